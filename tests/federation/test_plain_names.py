"""``name`` is plain text in ActivityStreams 2.0 (§4 ``name``: "a simple, human-readable,
plain-text name"): markup in a title must not reach remote servers as markup, neither in an
Event's ``name`` nor in the bold title line of a Note."""

from __future__ import annotations

import pytest

from federation_server.activitypub.shape import ShapeContext, shape_object
from tests.federation.fixtures import event, post, product

CTX = ShapeContext(
    ap_id="https://rose-ash.example.coop/objects/x",
    actor_id="https://rose-ash.example.coop/actors/blog",
    followers_id="https://rose-ash.example.coop/actors/blog/followers",
    site_url="https://rose-ash.example.coop",
)
MARKED_UP = (
    'Jam &amp; <em>bread</em> <script>alert("x")</script><a href="https://evil.example">day</a>'
)


def test_an_event_name_is_plain_text() -> None:
    name = shape_object(event() | {"name": MARKED_UP}, CTX)["name"]
    assert name.startswith("Jam & bread day · ")
    assert "<" not in name and "&amp;" not in name


@pytest.mark.parametrize("make", [post, product, event], ids=["post", "product", "event"])
def test_the_title_line_is_the_same_text_escaped_once(make) -> None:
    content = shape_object(make("x") | {"name": MARKED_UP}, CTX)["content"]
    assert content.startswith("<p><strong>Jam &amp; bread day</strong></p>")
    assert "&lt;em&gt;" not in content and "evil.example" not in content
