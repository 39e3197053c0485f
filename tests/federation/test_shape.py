"""How objects are shaped for Mastodon, Mobilizon and Gancio (pure functions, no server)."""

from __future__ import annotations

from federation_server.activitypub.ids import PUBLIC
from federation_server.activitypub.shape import ShapeContext, shape_object
from tests.federation.fixtures import event, post, product

CTX = ShapeContext(
    ap_id="https://social.example/objects/post:x",
    actor_id="https://social.example/actors/blog",
    followers_id="https://social.example/actors/blog/followers",
)


def test_post_is_an_article_with_sanitised_html_attachments_and_hashtags() -> None:
    obj = shape_object(post("spring-open-day"), CTX)
    assert obj["type"] == "Article"
    assert obj["name"] == "Spring open day"
    assert obj["summary"] == "<p>Come and see the orchard.</p>"
    assert obj["url"] == "https://rose-ash.example.coop/blog/2026/spring-open-day/"
    assert obj["to"] == [PUBLIC] and obj["cc"] == [CTX.followers_id]
    assert "<script" not in obj["content"] and "alert" not in obj["content"]
    assert "<img" not in obj["content"]
    assert "<h2" not in obj["content"] and "<strong>Plan</strong>" in obj["content"]
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


def test_post_as_note_has_title_first_and_link_last_and_no_content_warning() -> None:
    ctx = ShapeContext(**{**CTX.__dict__, "article_as_note": True})
    obj = shape_object(post("spring-open-day"), ctx)
    assert obj["type"] == "Note"
    assert "summary" not in obj  # Mastodon would show a Note's summary as a content warning
    assert obj["content"].startswith("<p><strong>Spring open day</strong></p>")
    assert obj["content"].endswith(
        '<a href="https://rose-ash.example.coop/blog/2026/spring-open-day/">'
        "https://rose-ash.example.coop/blog/2026/spring-open-day/</a></p>"
    )
    assert "#<span>orchard</span>" in obj["content"]


def test_event_has_times_and_a_place_with_postal_address() -> None:
    obj = shape_object(event(), CTX)
    assert obj["type"] == "Event"
    assert obj["name"] == "Winter fair"
    assert obj["startTime"] == "2026-12-12T10:00:00+00:00"
    assert obj["endTime"] == "2026-12-13T16:00:00+00:00"
    assert obj["timezone"] == "Europe/London"
    assert obj["location"]["type"] == "Place"
    assert obj["location"]["name"] == "Village hall"
    assert obj["location"]["address"]["type"] == "PostalAddress"
    assert obj["location"]["address"]["addressLocality"] == "Appleby"


def test_product_is_a_note_with_price_and_link() -> None:
    obj = shape_object(product(), CTX)
    assert obj["type"] == "Note"
    assert "£6.50" in obj["content"] and "In stock" in obj["content"]
    assert "https://rose-ash.example.coop/market/wildflower-honey/" in obj["content"]
    assert obj["attachment"][0]["name"] == "A jar of honey"


def test_attachment_url_array_becomes_a_single_string() -> None:
    entry = post("x", attachment=[{"type": "Image", "url": ["https://a.example/1.jpg"]}])
    obj = shape_object(entry, CTX)
    assert obj["attachment"] == [{"type": "Image", "url": "https://a.example/1.jpg", "name": ""}]


def test_every_object_is_attributed_not_sensitive_and_its_hashtags_link_somewhere() -> None:
    ctx = ShapeContext(**{**CTX.__dict__, "site_url": "https://rose-ash.example.coop"})
    untagged_href = post("x", tag=[{"type": "Hashtag", "name": "Cider"}])
    for entry in (post("x"), event(), product(), untagged_href):
        obj = shape_object(entry, ctx)
        assert obj["attributedTo"] == CTX.actor_id, entry["id"]
        assert obj["sensitive"] is False  # Mastodon hides sensitive posts behind a warning
        assert all(tag["href"].startswith("https://") for tag in obj.get("tag", []))
    tag = shape_object(untagged_href, ctx)["tag"]
    assert tag == [
        {"type": "Hashtag", "name": "#Cider", "href": "https://rose-ash.example.coop/tag/cider/"}
    ]
