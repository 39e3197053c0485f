"""Our server against an ActivityPub implementation someone else wrote: Fedify.

A real ``python -m federation_server serve`` process (blog, events, market) and the Fedify
peer (tests/interop/fedify/peer.mjs) talk over loopback HTTP:

1. Three peer actors follow each of our actors: one signs draft-cavage, one RFC 9421 (both
   with Fedify's ``signRequest``), one through Fedify's own sender (double knock).
2. Fedify verifies each Accept we deliver (the signature, and that the key belongs to the
   activity's actor).
3. A post, an event and a product are published with ``python -m federation_server publish``
   (each profile changes too), then edited, then removed (those two publishes run in this
   process, through the function the command runs: starting Python again costs seconds).
   Fedify must verify and parse every Create, Update (of objects and actors) and Delete.
4. Each peer actor undoes its Follow of blog.

Any request the peer refused, anything Fedify logged as an error, and any part of our JSON
its vocabulary had to drop, fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.federation.fixtures import SITE, edited, event, manifest, post, product, write_build
from tests.federation.processes import Instance, collection_items, eventually
from tests.interop.fedify_peer import FOLLOWERS, FedifyPeer

pytestmark = pytest.mark.slow

ACTORS = ("blog", "events", "market")
ACTOR_TYPES = {"Application", "Group", "Organization", "Person", "Service"}


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Instance]:
    instance = Instance(
        "blog", database_url, tmp_path / "server.log", env={"FEDERATION_ACTORS": ",".join(ACTORS)}
    )
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


def problems(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the peer refused (any inbox error, unverified activity, listener error), what
    Fedify logged as an error, and its warnings about signatures and about vocabulary it
    could not parse (a field of ours that a JSON-LD processor loses)."""
    return [e for e in events if e["kind"] == "rejected" or (e["kind"] == "log" and (
        e["level"] in {"error", "fatal"} or e["category"].startswith(("fedify.sig", "fedify.vocab"))
    ))]  # fmt: skip


def verified(events: list[dict[str, Any]], kind: str, object_id: str) -> list[dict[str, Any]]:
    return [
        e for e in events
        if e["kind"] == "verified" and e["type"] == kind and e["objectId"] == object_id
    ]  # fmt: skip


async def test_fedify_follows_verifies_and_parses_everything_we_send(
    server: Instance, fedify_peer: FedifyPeer, tmp_path: Path
) -> None:
    fedify_peer.ready()
    async with httpx.AsyncClient(timeout=30) as client:
        await fedify_peer.reset(client)

        # 1. Each peer actor follows each of ours; Fedify parses our actor document first.
        follows: dict[tuple[str, str], str] = {}
        for identifier in FOLLOWERS:
            for name in ACTORS:
                target = f"{server.base}/actors/{name}"
                sent = await fedify_peer.follow(client, identifier, target)
                assert sent["ok"], (identifier, name, sent)
                actor = sent["actor"]
                assert actor["type"] in ACTOR_TYPES and actor["id"] == target, actor
                signed = await fedify_peer.lookup(client, target, identifier)  # signed GET
                assert signed["found"] and signed["object"]["id"] == target, signed
                assert actor["preferredUsername"] == name
                assert actor["inbox"] == f"{target}/inbox"
                # The key is visible to a JSON-LD processor and belongs to the actor.
                assert actor["publicKeyOwner"] == target and actor["publicKeyId"], actor
                follows[identifier, name] = sent["followId"]

        # 2. Each Follow gets an Accept that Fedify verified, in the follower's inbox.
        async def accepted() -> list[dict[str, Any]] | None:
            events = await fedify_peer.events(client)
            assert not problems(events), problems(events)
            found = [verified(events, "Accept", follow_id) for follow_id in follows.values()]
            return events if all(found) else None

        events = await eventually(accepted, "a verified Accept for each of the nine Follows")
        for (identifier, name), follow_id in follows.items():
            (accept,) = verified(events, "Accept", follow_id)
            assert accept["actor"] == f"{server.base}/actors/{name}"
            assert accept["recipient"] == identifier
        for name in ACTORS:
            followers = await collection_items(client, f"{server.base}/actors/{name}/followers")
            assert sorted(followers) == sorted(fedify_peer.actor_id(i) for i in FOLLOWERS)

        # 3. A new post, an event and a product: Create, then Update, then Delete; with the
        # first publish each profile changes too (an Update of the actor).
        objects = [post("fedify-hello"), event("fedify-fair"), product("fedify-honey")]
        ids = {entry["id"]: f"{server.base}/objects/{entry['id']}" for entry in objects}
        build = tmp_path / "build"
        profiles = [
            {"name": name, "display_name": f"Rose Ash {name}", "summary": f"<p>Our {name}.</p>",
             "icon": f"{SITE}/images/{name}.png", "image": f"{SITE}/images/{name}-header.jpg",
             "url": f"{SITE}/{name}/"}
            for name in ACTORS
        ]  # fmt: skip

        async def arrived(kind: str, ids: dict[str, str] = ids) -> dict[str, dict[str, Any]]:
            async def check() -> dict[str, dict[str, Any]] | None:
                events = await fedify_peer.events(client)
                assert not problems(events), problems(events)
                found = {key: verified(events, kind, url) for key, url in ids.items()}
                if not all(found.values()):
                    return None
                return {key: hits[0]["object"] for key, hits in found.items()}

            return await eventually(check, f"a verified {kind} of {sorted(ids)}")

        server.publish_command(write_build(build, manifest(objects, profiles)))
        created = await arrived("Create")
        actor_ids = {p["name"]: f"{server.base}/actors/{p['name']}" for p in profiles}
        profile_updates = await arrived("Update", actor_ids)
        for profile in profiles:
            seen = profile_updates[profile["name"]]
            assert seen["type"] in ACTOR_TYPES and seen["name"] == profile["display_name"], seen
            assert (seen["icon"], seen["image"]) == (profile["icon"], profile["image"]), seen
        for entry in objects:
            seen = created[entry["id"]]
            assert seen["id"] == ids[entry["id"]]
            assert seen["type"] not in {"Object", "Tombstone"}, seen  # a known vocabulary type
            assert entry["name"] in (seen["name"] or "") + (seen["content"] or ""), seen
            assert seen["published"] and seen["url"], seen
            names = [a["name"] for a in seen["attachments"]]
            assert names == [a["name"] for a in entry["attachment"]], seen  # images, alt text
        for key, url in ids.items():  # fetched by URL, signed and unsigned: the same object
            for signed_by in ("fedify", None):
                fetched = await fedify_peer.lookup(client, url, signed_by)
                assert fetched["found"], (url, signed_by, fetched)
                assert fetched["object"]["type"] == created[key]["type"], fetched
                assert fetched["object"]["id"] == url
        for name in ACTORS:
            outbox = await fedify_peer.lookup(client, f"{server.base}/actors/{name}/outbox")
            assert outbox["found"] and outbox["object"]["type"] == "OrderedCollection", outbox
            assert outbox["object"]["totalItems"] >= 1, outbox
        fair = created["event:fedify-fair"]  # a real Event, with its time and place
        assert fair["type"] == "Event", fair
        assert fair["startTime"] and fair["startTime"].startswith("2026-12-12T10:00:00"), fair
        assert fair["location"] == "Village hall", fair

        renamed = [edited(entry, name=entry["name"] + " (changed)") for entry in objects]
        await server.publish(write_build(build, manifest(renamed, profiles)))
        updated = await arrived("Update")
        for entry in renamed:
            seen = updated[entry["id"]]
            assert entry["name"] in (seen["name"] or "") + (seen["content"] or ""), seen
            assert seen["updated"] and seen["updated"] > seen["published"], seen

        await server.publish(write_build(build, manifest([], profiles)))
        deleted = await arrived("Delete")
        for key, seen in deleted.items():
            assert seen["type"] == "Tombstone" and seen["id"] == ids[key], seen

        # 4. Each peer actor unfollows blog (an Undo embedding its Follow): blog has no
        # followers left, the others keep theirs.
        blog = f"{server.base}/actors/blog"
        for identifier in FOLLOWERS:
            undone = await fedify_peer.unfollow(
                client, identifier, blog, follows[identifier, "blog"]
            )
            assert undone["ok"], (identifier, undone)

        async def unfollowed() -> bool:
            return not await collection_items(client, f"{blog}/followers")

        await eventually(unfollowed, "blog's followers to be gone after the Undo")
        events_followers = await collection_items(client, f"{server.base}/actors/events/followers")
        assert len(events_followers) == len(FOLLOWERS)

        events = await fedify_peer.events(client)
        assert not problems(events), problems(events)
        posts = [e for e in events if e["kind"] == "inbox"]
        assert posts and all(e["status"] < 300 for e in posts), posts

        # Fetched again, a deleted object is gone (410; Fedify logs that as an error, so this
        # comes after the check above). Signed: Fedify's unsigned loader has its own cache.
        for url in ids.values():
            gone = await fedify_peer.lookup(client, url, "fedify")
            assert not gone["found"] or gone["object"]["type"] == "Tombstone", gone
