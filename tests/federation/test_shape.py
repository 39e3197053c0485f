"""What followers see: each content kind shaped for Mastodon, Misskey, GoToSocial, Mobilizon
and Gancio (pure functions, no server). The rules are in federation_server/README.md."""

from __future__ import annotations

from federation_server.activitypub.ids import PUBLIC
from federation_server.activitypub.shape import ShapeContext, shape_object
from tests.federation.fixtures import event, post, product

CTX = ShapeContext(
    ap_id="https://social.example/objects/post:x",
    actor_id="https://social.example/actors/blog",
    followers_id="https://social.example/actors/blog/followers",
    language="en",
)
LINK = (
    '<p><a href="https://rose-ash.example.coop/blog/2026/spring-open-day/">'
    "https://rose-ash.example.coop/blog/2026/spring-open-day/</a></p>"
)


def test_post_is_a_note_with_title_opening_text_image_and_link() -> None:
    obj = shape_object(post("spring-open-day"), CTX)
    # Mastodon shows a Note's content in full (an Article only as title + link).
    assert obj["type"] == "Note"
    assert "summary" not in obj  # Misskey, GoToSocial, Mastodon: a content warning
    assert obj["content"].startswith(
        "<p><strong>Spring open day</strong></p><p>Come and see the orchard.</p>"
    )
    assert obj["content"].endswith(LINK)
    assert "#<span>orchard</span>" in obj["content"]
    assert obj["contentMap"] == {"en": obj["content"]}  # Mastodon's language comes from here
    assert obj["url"] == "https://rose-ash.example.coop/blog/2026/spring-open-day/"
    assert obj["to"] == [PUBLIC] and obj["cc"] == [CTX.followers_id]
    assert obj["attachment"] == [
        {
            "type": "Image",
            "url": "https://rose-ash.example.coop/images/orchard.1a2b.jpg",
            "name": "Apple trees in blossom",
            "mediaType": "image/jpeg",
        }
    ]
    assert obj["tag"] == [
        {
            "type": "Hashtag",
            "name": "#orchard",
            "href": "https://rose-ash.example.coop/tag/orchard/",
        }
    ]


def test_post_without_summary_opens_with_its_sanitised_text() -> None:
    obj = shape_object(post("x", summary=""), CTX)
    assert "<script" not in obj["content"] and "alert" not in obj["content"]
    assert "<img" not in obj["content"]  # images travel as attachments
    assert "<h2" not in obj["content"] and "<strong>Plan</strong>" in obj["content"]


def test_event_is_a_real_event_that_says_when_and_where_in_its_name_and_text() -> None:
    obj = shape_object(event(), CTX)
    assert obj["type"] == "Event"
    assert "summary" not in obj
    # Mobilizon and Gancio read these.
    assert obj["startTime"] == "2026-12-12T10:00:00+00:00"
    assert obj["endTime"] == "2026-12-13T16:00:00+00:00"
    assert obj["timezone"] == "Europe/London"
    assert obj["location"]["type"] == "Place"
    assert obj["location"]["name"] == "Village hall"
    assert obj["location"]["address"]["type"] == "PostalAddress"
    assert obj["location"]["address"]["addressLocality"] == "Appleby"
    # Mastodon shows an Event as its name and a link: the name carries when and where.
    assert obj["name"] == "Winter fair · Sat 12 Dec 2026, 10:00 – Sun 13 Dec, 16:00 · Village hall"  # noqa: RUF001
    assert "<p>🗓 Sat 12 Dec 2026, 10:00 – Sun 13 Dec, 16:00</p>" in obj["content"]  # noqa: RUF001
    assert "<p>📍 Village hall, 1 Orchard Lane, Appleby</p>" in obj["content"]
    assert "Two days of stalls." in obj["content"]


def test_event_times_read_in_the_events_own_zone_and_the_sites_language() -> None:
    summer = event(startTime="2026-07-04T09:00:00+00:00", endTime="2026-07-04T11:30:00+00:00")
    obj = shape_object(summer, CTX)
    assert "Sat 4 Jul 2026, 10:00–12:30" in obj["name"]  # London is UTC+1 in July  # noqa: RUF001
    french = ShapeContext(**{**CTX.__dict__, "language": "fr"})
    assert "sam. 4 juil. 2026, 10:00–12:30" in shape_object(summer, french)["name"]  # noqa: RUF001


def test_product_is_a_note_with_price_availability_image_and_link() -> None:
    obj = shape_object(product(), CTX)
    assert obj["type"] == "Note"
    assert "summary" not in obj
    assert "<p>£6.50 · In stock</p>" in obj["content"]
    assert obj["content"].startswith("<p><strong>Wildflower honey, 340 g</strong></p>")
    assert "https://rose-ash.example.coop/market/wildflower-honey/" in obj["content"]
    assert obj["attachment"][0]["name"] == "A jar of honey"
    sold_out = shape_object(product(availability="OutOfStock"), CTX)
    assert "<p>£6.50 · Out of stock</p>" in sold_out["content"]


def test_attachments_keep_their_size_and_a_single_url() -> None:
    image = {"type": "Image", "url": ["https://a.example/1.jpg"], "width": 1200, "height": 800,
             "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}  # fmt: skip
    obj = shape_object(post("x", attachment=[image]), CTX)
    assert obj["attachment"] == [{"type": "Image", "url": "https://a.example/1.jpg", "name": "",
                                  "width": 1200, "height": 800,
                                  "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}]  # fmt: skip


def test_every_object_is_attributed_not_sensitive_and_its_hashtags_link_somewhere() -> None:
    ctx = ShapeContext(**{**CTX.__dict__, "site_url": "https://rose-ash.example.coop"})
    untagged_href = post("x", tag=[{"type": "Hashtag", "name": "Cider"}])
    for entry in (post("x"), event(), product(), untagged_href):
        obj = shape_object(entry, ctx)
        assert obj["attributedTo"] == CTX.actor_id, entry["id"]
        assert obj["sensitive"] is False  # Mastodon hides sensitive posts behind a warning
        assert "summary" not in obj
        assert all(tag["href"].startswith("https://") for tag in obj.get("tag", []))
    tag = shape_object(untagged_href, ctx)["tag"]
    assert tag == [
        {"type": "Hashtag", "name": "#Cider", "href": "https://rose-ash.example.coop/tag/cider/"}
    ]
