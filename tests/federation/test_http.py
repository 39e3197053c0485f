"""Discovery, actors, content negotiation, outbox paging and 410 over HTTP (AsyncTestClient)."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from federation_server import keys
from federation_server.activitypub.ids import PUBLIC
from federation_server.app import create_app
from federation_server.context import Context
from federation_server.manifest import Manifest
from federation_server.services.publish import publish_manifest
from federation_server.settings import Settings
from manifest_contract.activitystreams import Actor
from tests.federation.conftest import BASE_URL
from tests.federation.fixtures import SITE, edited, post

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _manifest(objects: list[dict], actors: list[dict] | None = None) -> Manifest:
    from pathlib import Path

    return Manifest(
        path=Path("activitystreams.json"),
        schema_version=1,
        site_url=SITE,
        actors=tuple(
            Actor(a["name"], a.get("display_name"), None, None, None) for a in actors or []
        ),
        objects={o["id"]: o for o in objects},
    )


async def test_webfinger_loops_back_to_the_actor_with_cors(client: AsyncTestClient) -> None:
    response = await client.get(
        "/.well-known/webfinger",
        params={"resource": "acct:blog@testserver.local"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"].startswith("application/jrd+json")
    body = response.json()
    assert body["subject"] == "acct:blog@testserver.local"
    self_link = next(link for link in body["links"] if link["rel"] == "self")
    assert self_link == {"rel": "self", "type": AP, "href": f"{BASE_URL}/actors/blog"}
    actor = (await client.get(self_link["href"], headers={"Accept": AP})).json()
    assert actor["id"] == self_link["href"]
    # Mastodon also asks by the actor's URL (when it meets the actor before its acct:).
    by_url = await client.get("/.well-known/webfinger", params={"resource": actor["id"]})
    assert by_url.status_code == 200
    assert by_url.json()["subject"] == "acct:blog@testserver.local"
    # The user part matches whatever its case, as Mastodon's own account lookup does.
    shouted = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:BLOG@testserver.local"}
    )
    assert shouted.status_code == 200
    assert shouted.json()["subject"] == "acct:blog@testserver.local"


async def test_discovery_documents_and_404_problems(client: AsyncTestClient) -> None:
    for resource in ("acct:nobody@testserver.local", "acct:blog@other.example"):
        response = await client.get("/.well-known/webfinger", params={"resource": resource})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 404
    for path in ("/actors/nobody", "/actors/nobody/outbox", "/objects/post:never", "/nope"):
        response = await client.get(path, headers={"Accept": AP})
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")

    host_meta = await client.get("/.well-known/host-meta")
    assert host_meta.status_code == 200
    assert "/.well-known/webfinger?resource={uri}" in host_meta.text
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    assert links[0]["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"
    info = (await client.get(links[0]["href"].removeprefix(BASE_URL))).json()
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]
    assert info["usage"]["users"]["total"] == 2


async def test_actor_document_has_what_mastodon_needs(client: AsyncTestClient) -> None:
    response = await client.get("/actors/blog", headers={"Accept": AP})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(AP)
    actor = response.json()
    assert "https://w3id.org/security/v1" in actor["@context"]
    assert actor["type"] in {"Service", "Organization"}
    assert actor["preferredUsername"] == "blog"
    assert actor["url"] == f"{SITE}/blog/"
    for field in ("inbox", "outbox", "followers", "following"):
        assert actor[field] == f"{BASE_URL}/actors/blog/{field}"
    assert actor["endpoints"]["sharedInbox"] == f"{BASE_URL}/inbox"
    assert actor["icon"] == {"type": "Image", "url": f"{SITE}/images/blog.png",
                             "mediaType": "image/png"}  # fmt: skip
    assert actor["published"].endswith("Z")
    assert actor["manuallyApprovesFollowers"] is False and actor["discoverable"] is True
    key = actor["publicKey"]
    assert key["id"] == f"{BASE_URL}/actors/blog#main-key"
    assert key["owner"] == actor["id"]
    assert keys.load_public_key(key["publicKeyPem"]).key_size == 2048
    for name in ("followers", "following"):
        collection = (await client.get(actor[name], headers={"Accept": AP})).json()
        assert collection["type"] == "OrderedCollection"
        assert collection["totalItems"] == 0


async def test_each_actor_has_its_own_key_kept_across_restarts(settings: Settings) -> None:
    async with AsyncTestClient(create_app(settings), base_url=BASE_URL) as first:
        blog = (await first.get("/actors/blog")).json()["publicKey"]["publicKeyPem"]
        events = (await first.get("/actors/events")).json()["publicKey"]["publicKeyPem"]
    async with AsyncTestClient(create_app(settings), base_url=BASE_URL) as second:
        again = (await second.get("/actors/blog")).json()["publicKey"]["publicKeyPem"]
    assert blog != events
    assert again == blog


async def test_negotiation_json_ld_for_clients_redirect_for_browsers(
    client: AsyncTestClient, ctx: Context
) -> None:
    await publish_manifest(ctx, _manifest([post("spring-open-day")]))
    object_path = "/objects/post:spring-open-day"
    for path, page in (("/actors/blog", f"{SITE}/blog/"), (object_path, post("x")["url"])):
        for accept in (AP, LD):
            response = await client.get(path, headers={"Accept": accept})
            assert response.status_code == 200
            assert response.json()["@context"][0] == "https://www.w3.org/ns/activitystreams"
        browser = await client.get(path, headers={"Accept": BROWSER}, follow_redirects=False)
        assert browser.status_code in {302, 303}
        if path == "/actors/blog":
            assert browser.headers["location"] == page
        else:
            assert browser.headers["location"] == f"{SITE}/blog/2026/spring-open-day/"


async def test_outbox_is_paged_newest_first(client: AsyncTestClient, ctx: Context) -> None:
    entries = [post(f"p{i}", published=f"2026-03-0{i}T09:00:00Z") for i in range(1, 7)]
    await publish_manifest(ctx, _manifest(entries))
    # An edit, a deletion and a profile change send activities, but add no public item.
    entries[0] = edited(entries[0], name="Edited")
    actors = [{"name": "blog", "display_name": "Blog, renamed"}]
    await publish_manifest(ctx, _manifest(entries[:5], actors))
    outbox = (await client.get("/actors/blog/outbox", headers={"Accept": AP})).json()
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 5  # the five posts still published, nothing else
    seen: list[str] = []
    url = outbox["first"]
    while url:
        page = (await client.get(url.removeprefix(BASE_URL))).json()
        assert page["type"] == "OrderedCollectionPage"
        assert page["partOf"] == outbox["id"]
        assert {item["type"] for item in page["orderedItems"]} == {"Create"}
        assert all(PUBLIC in item["to"] for item in page["orderedItems"])
        seen += [item["object"]["id"] for item in page["orderedItems"]]
        url = page.get("next")
        if not url:
            assert "<strong>Edited</strong>" in page["orderedItems"][-1]["object"]["content"]
    assert seen == [f"{BASE_URL}/objects/post:p{i}" for i in range(5, 0, -1)]


async def test_deleted_object_answers_410_with_a_tombstone(
    client: AsyncTestClient, ctx: Context
) -> None:
    await publish_manifest(ctx, _manifest([post("gone-soon")]))
    assert (await client.get("/objects/post:gone-soon")).status_code == 200
    await publish_manifest(ctx, _manifest([]))
    response = await client.get("/objects/post:gone-soon", headers={"Accept": AP})
    assert response.status_code == 410
    body = response.json()
    assert body["type"] == "Tombstone"
    assert body["id"] == f"{BASE_URL}/objects/post:gone-soon"
    assert body["formerType"] == "as:Note"
    assert body["deleted"].endswith("Z")


async def test_head_answers_like_get_and_every_405_says_what_is_allowed(
    client: AsyncTestClient, ctx: Context
) -> None:
    await publish_manifest(ctx, _manifest([post("spring-open-day")]))
    paths = (
        "/actors/blog",
        "/actors/blog/outbox",
        "/actors/blog/followers",
        "/actors/blog/featured",
        "/objects/post:spring-open-day",
        "/.well-known/webfinger?resource=acct:blog@testserver.local",
        "/actors/nobody",
    )
    for path in paths:
        got = await client.get(path, headers={"Accept": AP})
        head = await client.head(path, headers={"Accept": AP})
        assert head.status_code == got.status_code, path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == got.headers["content-length"], path
        assert head.content == b"", path
    for method, path, allowed in (
        ("DELETE", "/actors/blog", "GET, HEAD"),
        ("POST", "/objects/post:spring-open-day", "GET, HEAD"),
        ("GET", "/inbox", "POST"),
        ("PUT", "/actors/blog/inbox", "POST"),
    ):
        response = await client.request(method, path)
        assert response.status_code == 405, (method, path)
        methods = set(response.headers["allow"].split(", ")) - {"OPTIONS"}  # CORS preflight
        assert methods == set(allowed.split(", ")), (method, path)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_profile_has_a_header_image_and_its_pinned_posts_as_featured(
    client: AsyncTestClient, ctx: Context
) -> None:
    actors = [Actor("blog", "Blog", None, None, None, image=f"{SITE}/images/banner.jpg")]
    manifest = _manifest([post("pinned-one", pinned=True), post("ordinary")])
    await publish_manifest(ctx, dataclasses.replace(manifest, actors=tuple(actors)))
    actor = (await client.get("/actors/blog", headers={"Accept": AP})).json()
    assert actor["image"] == {"type": "Image", "url": f"{SITE}/images/banner.jpg",
                              "mediaType": "image/jpeg"}  # fmt: skip
    assert actor["featured"] == f"{BASE_URL}/actors/blog/featured"
    featured = (await client.get(actor["featured"], headers={"Accept": AP})).json()
    assert featured["type"] == "OrderedCollection" and featured["totalItems"] == 1
    assert [o["id"] for o in featured["orderedItems"]] == [f"{BASE_URL}/objects/post:pinned-one"]
    # Unpinning (a new content_hash) takes it off the profile.
    unpinned = _manifest([post("pinned-one"), post("ordinary")])
    await publish_manifest(ctx, unpinned)
    featured = (await client.get(actor["featured"], headers={"Accept": AP})).json()
    assert featured["totalItems"] == 0 and featured["orderedItems"] == []
