"""A remote account deleted the Mastodon way, and hosts coming back to life.

Mastodon deletes an account by sending ``Delete`` (object = the actor) signed with the
actor's key; from then on its actor and key documents answer 410 Gone. The remote server
here is a real HTTP server on loopback that serves those 410s.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from federation_server.context import Context
from federation_server.db import models
from federation_server.db.base import utcnow
from federation_server.db.models import Follower, InboxActivity, Interaction, RemoteKey
from federation_server.delivery.models import HostState
from federation_server.manifest import Manifest
from federation_server.services.publish import publish_manifest
from tests.federation.conftest import BASE_URL, Send
from tests.federation.fixtures import SITE, RemoteActor, RemoteServer, post

BLOG = f"{BASE_URL}/actors/blog"
SHARED = f"{BASE_URL}/inbox"


def _follow(actor: RemoteActor) -> dict[str, Any]:
    return {"id": f"{actor.id}/follows/1", "type": "Follow", "actor": actor.id, "object": BLOG}


def _self_delete(actor: RemoteActor) -> dict[str, Any]:
    """Mastodon's account deletion (ActivityPub::DeleteActorSerializer): id ``<actor>#delete``,
    to Public, object the actor's id."""
    return {
        "id": f"{actor.id}#delete",
        "type": "Delete",
        "actor": actor.id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": actor.id,
    }


async def _count(ctx: Context, model: Any, *where: Any) -> int:
    async with ctx.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def _forget_cached_keys(client: AsyncTestClient, ctx: Context) -> None:
    """Let every cached remote key expire (in the server's memory and in the database)."""
    client.app.state["ctx"].key_cache.clear()
    async with ctx.database.session() as session, session.begin():
        await session.execute(update(RemoteKey).values(fetched_at=utcnow() - timedelta(days=30)))


async def _known_follower_who_liked(
    ctx: Context, remote: RemoteServer, send: Send, name: str, **kw: Any
) -> RemoteActor:
    actor = remote.add_actor(name, **kw)
    assert (await send(actor, _follow(actor))).status_code == 202
    like = {"id": f"{actor.id}/likes/1", "type": "Like", "actor": actor.id,
            "object": f"{BASE_URL}/objects/post:first"}  # fmt: skip
    assert (await send(actor, like, SHARED)).status_code == 202
    return actor


async def test_deleted_account_is_forgotten_with_or_without_a_cached_key(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    first = post("first")
    await publish_manifest(ctx, Manifest(Path("m.json"), 1, SITE, (), {first["id"]: first}))
    alice = await _known_follower_who_liked(ctx, remote, send, "alice")
    bob = await _known_follower_who_liked(ctx, remote, send, "bob")
    assert await _count(ctx, Interaction) == 2

    # bob's key is still cached: his Delete verifies with it, nothing is fetched.
    remote.delete_actor(bob)
    fetched_before = len(remote.requests)
    assert (await send(bob, _self_delete(bob), SHARED)).status_code == 202
    assert len(remote.requests) == fetched_before
    assert await _count(ctx, Follower, Follower.follower_uri == bob.id) == 0

    # alice's key expired from the cache; her server now answers 410 for it: accepted.
    remote.delete_actor(alice)
    await _forget_cached_keys(client, ctx)
    response = await send(alice, _self_delete(alice), SHARED)
    assert response.status_code == 202, response.text
    assert ("GET", "/users/alice") in remote.requests
    stored_about_them = (Follower.follower_uri, Interaction.actor_uri, RemoteKey.owner,
                         models.RemoteActor.uri)  # fmt: skip
    for column in stored_about_them:
        assert await _count(ctx, column.class_, column.in_([alice.id, bob.id])) == 0
    # Nothing of the unverified request itself was stored.
    assert await _count(ctx, InboxActivity, InboxActivity.activity_id == f"{alice.id}#delete") == 0


async def test_a_gone_key_only_excuses_an_actor_deleting_itself(
    client: AsyncTestClient, ctx: Context, remote: RemoteServer, send: Send
) -> None:
    first = post("first")
    await publish_manifest(ctx, Manifest(Path("m.json"), 1, SITE, (), {first["id"]: first}))
    carol = await _known_follower_who_liked(ctx, remote, send, "carol")
    remote.delete_actor(carol)
    await _forget_cached_keys(client, ctx)
    stored_before = await _count(ctx, InboxActivity)

    like = {"id": f"{carol.id}/likes/2", "type": "Like", "actor": carol.id,
            "object": f"{BASE_URL}/objects/post:first"}  # fmt: skip
    status_delete = {"id": f"{carol.id}/statuses/1#delete", "type": "Delete", "actor": carol.id,
                     "object": f"{carol.id}/statuses/1"}  # fmt: skip
    for activity in (like, status_delete):
        response = await send(carol, activity, SHARED)
        assert response.status_code == 401, activity["type"]
    assert await _count(ctx, InboxActivity) == stored_before
    assert await _count(ctx, Follower, Follower.follower_uri == carol.id) == 1

    # GoToSocial-style key document gone, but the actor itself still answers: not deleted.
    dave = await _known_follower_who_liked(ctx, remote, send, "dave", stub_key=True)
    remote.gone.add("/users/dave/main-key")
    await _forget_cached_keys(client, ctx)
    assert (await send(dave, _self_delete(dave), SHARED)).status_code == 401
    assert await _count(ctx, Follower, Follower.follower_uri == dave.id) == 1
    remote.delete_actor(dave)  # now the actor answers 410 as well: dave is gone
    assert (await send(dave, _self_delete(dave), SHARED)).status_code == 202
    assert await _count(ctx, Follower, Follower.follower_uri == dave.id) == 0


async def test_a_signed_request_marks_an_unavailable_host_available(
    ctx: Context, remote: RemoteServer, send: Send
) -> None:
    host = remote.base.removeprefix("http://")
    async with ctx.database.session() as session, session.begin():
        session.add(HostState(host=host, consecutive_failures=12, unavailable=True,
                              failure_days=[f"2026-11-{d:02d}" for d in range(1, 8)],
                              open_until=utcnow() + timedelta(days=1)))  # fmt: skip
    alice = remote.add_actor("alice")
    assert (await send(alice, _follow(alice))).status_code == 202
    async with ctx.database.session() as session:
        state = await session.get(HostState, host)
    assert state is not None
    assert (state.unavailable, state.consecutive_failures, state.open_until) == (False, 0, None)
