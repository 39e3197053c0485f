"""The inbox over HTTP: signed activities from a remote server on loopback, every error status."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from federation_server import keys
from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.models import Follower, InboxActivity, RemoteKey
from federation_server.delivery.models import Delivery
from federation_server.manifest import Manifest
from federation_server.services.inbox_processor import process_pending
from federation_server.services.publish import publish_manifest
from tests.federation.conftest import BASE_URL, Send
from tests.federation.fixtures import SITE, RemoteActor, RemoteServer, post

BLOG = f"{BASE_URL}/actors/blog"
INBOX = f"{BASE_URL}/actors/blog/inbox"
SHARED = f"{BASE_URL}/inbox"


def _follow(actor: RemoteActor, n: int = 1) -> dict[str, Any]:
    return {"id": f"{actor.id}/follows/{n}", "type": "Follow", "actor": actor.id, "object": BLOG}


async def _count(ctx: Context, model: Any, *where: Any) -> int:
    async with ctx.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def _followers(client: AsyncTestClient) -> list[str]:
    head = (await client.get("/actors/blog/followers")).json()
    if not head["totalItems"]:
        return []
    page = (await client.get(head["first"].removeprefix(BASE_URL))).json()
    return page["orderedItems"]


async def test_follow_stores_follower_and_queues_a_signed_accept(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice = remote.add_actor("alice")
    response = await send(alice, _follow(alice))
    assert response.status_code == 202, response.text
    assert await _followers(client) == [alice.id]
    async with ctx.database.session() as session:
        row = await session.scalar(select(Follower))
    assert (row.inbox, row.shared_inbox) == (alice.inbox, alice.shared_inbox)
    # The Accept is queued for alice alone and kept out of the public outbox.
    assert (await client.get("/actors/blog/outbox")).json()["totalItems"] == 0
    assert await _count(ctx, Delivery, Delivery.inbox == alice.inbox) == 1


async def test_followers_get_new_posts_once_per_shared_inbox_unless_blocked(
    ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice, bob = remote.add_actor("alice"), remote.add_actor("bob")
    for actor in (alice, bob):
        assert (await send(actor, _follow(actor))).status_code == 202
    first, second = post("first"), post("second")
    await publish_manifest(ctx, Manifest(Path("m.json"), 1, SITE, (), {first["id"]: first}))
    # alice and bob share one server: the Create goes once, to its shared inbox.
    assert await _count(ctx, Delivery, Delivery.inbox == alice.shared_inbox) == 1

    blocked = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, blocked_domains=frozenset({"127.0.0.1"}))
    )
    both = {first["id"]: first, second["id"]: second}
    await publish_manifest(blocked, Manifest(Path("m.json"), 1, SITE, (), both))
    assert await _count(ctx, Delivery, Delivery.inbox == alice.shared_inbox) == 1


async def test_repeated_follow_is_harmless_and_undo_removes_it(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice = remote.add_actor("alice")
    for n in (1, 2):
        assert (await send(alice, _follow(alice, n))).status_code == 202
    assert await _followers(client) == [alice.id]
    undo = {"id": f"{alice.id}/undo/1", "type": "Undo", "actor": alice.id,
            "object": _follow(alice, 2)}  # fmt: skip
    assert (await send(alice, undo, SHARED)).status_code == 202
    assert await _followers(client) == []
    # Undo by id only.
    assert (await send(alice, _follow(alice, 3))).status_code == 202
    undo_by_id = {"id": f"{alice.id}/undo/2", "type": "Undo", "actor": alice.id,
                  "object": _follow(alice, 3)["id"]}  # fmt: skip
    assert (await send(alice, undo_by_id)).status_code == 202
    assert await _followers(client) == []
    # The actor deleting itself removes it too.
    assert (await send(alice, _follow(alice, 4))).status_code == 202
    delete = {"id": f"{alice.id}#delete", "type": "Delete", "actor": alice.id, "object": alice.id}
    assert (await send(alice, delete, SHARED)).status_code == 202
    assert await _followers(client) == []


async def test_rfc9421_and_stub_keys_are_accepted_and_other_types_ignored(
    client: AsyncTestClient, remote: RemoteServer, send: Send
) -> None:
    gts = remote.add_actor("gts", stub_key=True)
    flag = {"id": f"{gts.id}/flag/1", "type": "Flag", "actor": gts.id, "object": BLOG}
    assert (await send(gts, flag)).status_code == 202
    assert await _followers(client) == []
    assert [path for _, path in remote.requests] == ["/users/gts/main-key", "/users/gts"]
    # Our fetches are signed (servers in authorized-fetch mode require it).
    assert all(f'keyId="{BLOG}#main-key"' in (sig or "") for sig in remote.get_signatures)
    assert (await send(gts, _follow(gts), rfc9421=True)).status_code == 202
    assert await _followers(client) == [gts.id]


async def test_accept_counts_only_for_a_follow_we_sent(
    client: AsyncTestClient, remote: RemoteServer, send: Send
) -> None:
    bob = remote.add_actor("bob")

    def accept(follow_id: str) -> dict[str, Any]:
        follow = {"id": follow_id, "type": "Follow", "actor": BLOG, "object": bob.id}
        return {"id": f"{bob.id}/accept/{follow_id[-1]}", "type": "Accept", "actor": bob.id,
                "object": follow}  # fmt: skip

    following = "/actors/blog/following"
    assert (await send(bob, accept(f"{bob.id}/forged/1"))).status_code == 202
    assert (await client.get(following)).json()["totalItems"] == 0
    assert (await send(bob, accept(f"{BASE_URL}/activities/2"))).status_code == 202
    head = (await client.get(following)).json()
    assert head["totalItems"] == 1
    page = (await client.get(head["first"].removeprefix(BASE_URL))).json()
    assert page["orderedItems"] == [bob.id]


async def test_rotated_key_is_fetched_again_once(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice = remote.add_actor("alice")
    assert (await send(alice, _follow(alice, 1))).status_code == 202
    alice.private_key = keys.generate_private_key()
    remote.documents["/users/alice"] = alice.document()
    before = len(remote.requests)
    assert (await send(alice, _follow(alice, 2))).status_code == 202
    assert remote.requests[before:] == [("GET", "/users/alice")]
    async with ctx.database.session() as session:
        cached = await session.get(RemoteKey, alice.key_id)
    assert cached.public_key_pem == keys.public_key_pem(alice.private_key)

    # Another bad signature soon after is refused without fetching again (throttled).
    before = len(remote.requests)
    bad = await send(alice, _follow(alice, 3), key=keys.generate_private_key())
    assert bad.status_code == 401
    assert remote.requests[before:] == []

    # An Update of the actor carrying a new key is taken without fetching anything.
    old_key, alice.private_key = alice.private_key, keys.generate_private_key()
    update = {"id": f"{alice.id}#update-1", "type": "Update", "actor": alice.id,
              "object": alice.document()}  # fmt: skip
    assert (await send(alice, update, key=old_key)).status_code == 202
    assert (await send(alice, _follow(alice, 4))).status_code == 202
    assert remote.requests[before:] == []


async def test_likes_announces_and_replies_are_counted_on_the_object(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    entry = post("spring-open-day")

    await publish_manifest(ctx, Manifest(Path("m.json"), 1, SITE, (), {entry["id"]: entry}))
    obj_id = f"{BASE_URL}/objects/post:spring-open-day"
    alice, bob = remote.add_actor("alice"), remote.add_actor("bob")
    for actor in (alice, bob):
        like = {"id": f"{actor.id}/likes/1", "type": "Like", "actor": actor.id, "object": obj_id}
        assert (await send(actor, like, SHARED)).status_code == 202
        assert (await send(actor, like, SHARED)).status_code == 202  # redelivered
    boost = {"id": f"{bob.id}/boost/1", "type": "Announce", "actor": bob.id, "object": obj_id}
    reply = {
        "id": f"{alice.id}/statuses/1/activity", "type": "Create", "actor": alice.id,
        "object": {"id": f"{alice.id}/statuses/1", "type": "Note", "attributedTo": alice.id,
                   "inReplyTo": obj_id, "content": "<p>Lovely!</p>"},
    }  # fmt: skip
    for actor, activity in ((bob, boost), (alice, reply)):
        assert (await send(actor, activity, SHARED)).status_code == 202
    document = (await client.get("/objects/post:spring-open-day")).json()
    assert document["likes"]["totalItems"] == 2
    assert document["shares"]["totalItems"] == 1
    assert document["replies"]["totalItems"] == 1


async def test_rejected_requests_get_their_status_and_store_nothing(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice, mallory = remote.add_actor("alice"), remote.add_actor("mallory")
    follow = _follow(alice)
    body, headers = alice.signed(INBOX, follow)

    too_big = await client.post("/actors/blog/inbox", content=b" " * 1_000_001)
    assert too_big.status_code == 413

    no_object = {"id": "https://x.example/1", "type": "Follow", "actor": "https://x.example/u"}
    nested: dict = {**no_object, "object": BLOG, "tag": []}
    for _ in range(100):
        nested["tag"] = [nested["tag"]]
    malformed_bodies = (
        b"{not json",
        b"[1, 2]",
        json.dumps({"type": "Follow"}).encode(),
        json.dumps(no_object).encode(),
        b'{"x":' + b"[" * 1000 + b"]" * 1000 + b"}",  # past the parser's limit
        b'{"x":' + b"[" * 100_000,  # truncated and far too deep
        json.dumps(nested).encode(),  # parses, but deeper than we accept
    )
    for malformed in malformed_bodies:
        response = await client.post("/actors/blog/inbox", content=malformed)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")

    unsigned = await client.post("/actors/blog/inbox", content=body)
    assert unsigned.status_code == 401
    assert unsigned.json()["reason"]

    tampered = await client.post(
        "/actors/blog/inbox", content=body.replace(b"Follow", b"Fallow"), headers=headers
    )
    assert tampered.status_code in {400, 401}
    wrong_key = await send(alice, follow, key=keys.generate_private_key())
    assert wrong_key.status_code == 401
    assert "verify" in wrong_key.json()["reason"]

    impostor = await send(mallory, follow)  # mallory's key, alice's activity
    assert impostor.status_code == 401

    blocked = {"id": "https://blocked.example/f/1", "type": "Follow",
               "actor": "https://blocked.example/users/x", "object": BLOG}  # fmt: skip
    assert (await send(alice, blocked, key_id="https://blocked.example/k")).status_code == 403

    assert (
        await client.post("/actors/nobody/inbox", content=body, headers=headers)
    ).status_code == 404

    assert await _count(ctx, Follower) == 0
    assert await _count(ctx, InboxActivity) == 0
    assert await _count(ctx, RemoteKey) == 0


async def test_delete_from_an_unknown_actor_is_202_without_fetching(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    ghost = RemoteActor(remote.base, "ghost")
    delete = {"id": f"{ghost.id}#delete", "type": "Delete", "actor": ghost.id, "object": ghost.id}
    response = await send(ghost, delete, SHARED)
    assert response.status_code == 202
    assert remote.requests == []
    assert await _count(ctx, InboxActivity) == 0


async def test_activities_held_by_a_dead_processor_are_processed_later(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    alice = remote.add_actor("alice")
    assert (await send(alice, _follow(alice, 1))).status_code == 202  # caches alice

    async def stored_undo(n: int, lease_seconds: float) -> None:
        async with ctx.database.session() as session, session.begin():
            session.add(
                InboxActivity(
                    activity_id=f"{alice.id}/undo/{n}",
                    activity_type="Undo",
                    actor_uri=alice.id,
                    object_id=_follow(alice, 1)["id"],
                    activity_json={"id": f"{alice.id}/undo/{n}", "type": "Undo",
                                   "actor": alice.id, "object": _follow(alice, 1)["id"]},
                    lease_until=utcnow() + timedelta(seconds=lease_seconds),
                )
            )  # fmt: skip

    await stored_undo(1, lease_seconds=600)  # a live processor holds it: left alone
    assert await process_pending(ctx) == 0
    assert await _followers(client) == [alice.id]
    await stored_undo(2, lease_seconds=-1)  # its processor died: the lease ran out
    assert await process_pending(ctx) == 1
    assert await _followers(client) == []
