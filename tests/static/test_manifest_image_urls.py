"""Images found in a page's HTML become attachments with absolute http(s) URLs: a relative
``<img src="x">`` is resolved against the page it is on (as a browser resolves it), and
``data:``/``javascript:`` sources are dropped, so followers' servers get URLs they can fetch."""

from __future__ import annotations

from types import SimpleNamespace

from ra_events.manifest import attachments as event_attachments
from ra_manifests.entries import post_object

from federation_server.activitypub.shape import ShapeContext, shape_object
from tests.federation.fixtures import post
from tests.static.conftest import SITE_URL

BODY = (
    '<p><img src="x.jpg" alt="relative"><img src="../up.png" alt="parent">'
    '<img src="/images/root.png" alt="rooted"><img src="https://cdn.example/z.jpg" alt="cdn">'
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">'
    '<img src="javascript:alert(1)" alt="script"><img src=" " alt="blank"></p>'
)
EXPECTED = [
    (f"{SITE_URL}/blog/2026/spring/x.jpg", "relative"),
    (f"{SITE_URL}/blog/2026/up.png", "parent"),
    (f"{SITE_URL}/images/root.png", "rooted"),
    ("https://cdn.example/z.jpg", "cdn"),
]


def test_post_images_are_resolved_against_the_post_page() -> None:
    article = SimpleNamespace(slug="spring", title="Spring", summary="", content=BODY,
                              url="blog/2026/spring/", date=None, tags=[], image=None)  # fmt: skip
    found = [(a["url"], a["name"]) for a in post_object(article, SITE_URL)["attachment"]]
    assert found == EXPECTED


def test_event_images_are_resolved_against_the_event_page() -> None:
    event = SimpleNamespace(image_alt="lead")
    found = event_attachments(
        event, f"{SITE_URL}/images/lead.png", BODY, f"{SITE_URL}/blog/2026/spring/"
    )
    assert [(a["url"], a["name"]) for a in found] == [
        (f"{SITE_URL}/images/lead.png", "lead"),
        *EXPECTED,
    ]


def test_the_federation_server_never_publishes_a_relative_attachment_url() -> None:
    entry = post("x") | {"attachment": [
        {"type": "Image", "url": "x", "name": "relative"},
        {"type": "Image", "url": "javascript:alert(1)", "name": "script"},
        {"type": "Image", "url": "https://rose-ash.example.coop/images/a.png", "name": "ok"},
    ]}  # fmt: skip
    ctx = ShapeContext(ap_id="https://h.example/o/x", actor_id="https://h.example/a/blog",
                       followers_id="https://h.example/a/blog/followers")  # fmt: skip
    urls = [a["url"] for a in shape_object(entry, ctx)["attachment"]]
    assert urls == ["https://rose-ash.example.coop/images/a.png"]
