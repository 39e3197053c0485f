"""One function per activity type, for activities the inbox accepted (``HANDLERS``).

Each returns True when it changed something, False when the activity was ignored; both are
answered 202. They are idempotent: redelivery or a repeated Follow changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.activities import accept_follow
from federation_server.activitypub.ids import domain_of, id_of
from federation_server.context import Context
from federation_server.db.models import (
    Follower,
    Following,
    Interaction,
    LocalActor,
    PublishedObject,
    RemoteActor,
    RemoteKey,
)
from federation_server.services.outgoing import send_activity
from federation_server.services.remote import (
    FetchError,
    actor_endpoints,
    endpoints_of,
    keys_in,
    remember_key,
    save_actor,
    save_key,
)
from federation_server.signatures import PublicKeyInfo
from server_kernel.db import rows_affected

log = logging.getLogger(__name__)
M = TypeVar("M")


@dataclass(frozen=True)
class Incoming:
    """An accepted activity: who sent it, to which inbox (None for the shared inbox)."""

    activity: dict[str, Any]
    actor: str
    inbox_owner: str | None


def _local_name(ctx: Context, uri: str | None) -> str | None:
    name = ctx.urls.local_actor_name(uri) if uri else None
    return name if name and ctx.settings.actor(name) else None


async def _get_or_add(session: AsyncSession, model: type[M], **keys: Any) -> M:
    """The row of ``model`` with these column values, added to the session when missing."""
    row = await session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        session.add(row)
    return row


async def on_follow(ctx: Context, incoming: Incoming) -> bool:
    """Store the follower and send a signed Accept back (a repeated Follow is harmless)."""
    activity = incoming.activity
    name = _local_name(ctx, id_of(activity.get("object")))
    if name is None:
        return False
    try:
        endpoints = await actor_endpoints(ctx, incoming.actor)
    except FetchError as exc:
        log.info("follow from %s ignored: %s", incoming.actor, exc)
        return False
    async with ctx.database.session() as session, session.begin():
        local = await session.scalar(select(LocalActor).where(LocalActor.name == name))
        if local is None:
            return False
        follower = await _get_or_add(
            session, Follower, actor_name=name, follower_uri=incoming.actor
        )
        follower.inbox = endpoints.inbox
        follower.shared_inbox = endpoints.shared_inbox
        follower.follow_id = id_of(activity)
        accept = accept_follow(ctx.urls, name, activity, incoming.actor)
        await send_activity(session, ctx, local, accept, inboxes=[endpoints.inbox])
    return True


async def on_undo(ctx: Context, incoming: Incoming) -> bool:
    """Undo Follow (embedded or by id) removes the follower; Undo Like/Announce the count."""
    obj = incoming.activity.get("object")
    object_id = id_of(obj)
    async with ctx.database.session() as session, session.begin():
        if isinstance(obj, dict) and obj.get("type") == "Follow":
            if id_of(obj.get("actor")) != incoming.actor:
                return False
            name = _local_name(ctx, id_of(obj.get("object")))
            if name is None:
                return False
            result = await session.execute(
                delete(Follower).where(
                    Follower.actor_name == name, Follower.follower_uri == incoming.actor
                )
            )
            return bool(rows_affected(result))
        if not object_id:
            return False
        removed = await session.execute(
            delete(Follower).where(
                Follower.follow_id == object_id, Follower.follower_uri == incoming.actor
            )
        )
        if rows_affected(removed):
            return True
        undone = await session.execute(
            delete(Interaction).where(
                Interaction.activity_id == object_id, Interaction.actor_uri == incoming.actor
            )
        )
        return bool(rows_affected(undone))


async def _forget(session: AsyncSession, ctx: Context, actor: str) -> None:
    for key_id, (info, _expiry) in list(ctx.key_cache.items()):
        if info.owner == actor:
            ctx.key_cache.pop(key_id, None)
    await session.execute(delete(RemoteKey).where(RemoteKey.owner == actor))
    await session.execute(delete(RemoteActor).where(RemoteActor.uri == actor))
    await session.execute(delete(Follower).where(Follower.follower_uri == actor))
    await session.execute(delete(Following).where(Following.target_uri == actor))
    await session.execute(delete(Interaction).where(Interaction.actor_uri == actor))


async def forget_actor(ctx: Context, actor: str) -> None:
    """A deleted remote actor: drop it as follower and followee, its keys, its cached
    document and its likes, shares and replies."""
    async with ctx.database.session() as session, session.begin():
        await _forget(session, ctx, actor)


async def on_delete(ctx: Context, incoming: Incoming) -> bool:
    """An actor deleting itself stops following us; a deleted reply stops being counted."""
    object_id = id_of(incoming.activity.get("object"))
    async with ctx.database.session() as session, session.begin():
        if object_id == incoming.actor:
            await _forget(session, ctx, incoming.actor)
            return True
        if object_id:
            result = await session.execute(
                delete(Interaction).where(
                    Interaction.activity_id == object_id, Interaction.actor_uri == incoming.actor
                )
            )
            return bool(rows_affected(result))
    return False


async def on_accept(ctx: Context, incoming: Incoming) -> bool:
    """Our Follow was accepted: record that our actor now follows the sender."""
    obj = incoming.activity.get("object")
    async with ctx.database.session() as session, session.begin():
        if isinstance(obj, dict) and obj.get("type") == "Follow":
            name = _local_name(ctx, id_of(obj.get("actor")))
            follow_id = id_of(obj)
            if name is None or id_of(obj.get("object")) != incoming.actor:
                return False
            if not follow_id or not ctx.urls.is_local(follow_id):
                return False  # only a Follow we sent (an id we minted) can be accepted
        else:
            row = await session.scalar(
                select(Following).where(
                    Following.follow_id == id_of(obj), Following.target_uri == incoming.actor
                )
            )
            if row is None:
                return False
            name, follow_id = row.actor_name, row.follow_id
        row = await _get_or_add(session, Following, actor_name=name, target_uri=incoming.actor)
        row.follow_id = follow_id
        row.accepted = True
    return True


async def on_reject(ctx: Context, incoming: Incoming) -> bool:
    async with ctx.database.session() as session, session.begin():
        result = await session.execute(
            delete(Following).where(Following.target_uri == incoming.actor)
        )
        return bool(rows_affected(result))


async def _store_interaction(
    ctx: Context, kind: str, activity_id: str | None, actor: str, object_id: str | None
) -> bool:
    if not activity_id or not object_id:
        return False
    async with ctx.database.session() as session:
        known = await session.scalar(
            select(PublishedObject.id).where(
                PublishedObject.ap_id == object_id, PublishedObject.deleted_at.is_(None)
            )
        )
        if known is None:
            return False
        session.add(
            Interaction(activity_id=activity_id, kind=kind, actor_uri=actor, object_ap_id=object_id)
        )
        try:
            await session.commit()
        except IntegrityError:  # the same activity delivered twice counts once
            await session.rollback()
            return False
    return True


async def on_like(ctx: Context, incoming: Incoming) -> bool:
    activity = incoming.activity
    kind = "like" if activity["type"] == "Like" else "announce"
    return await _store_interaction(
        ctx, kind, id_of(activity), incoming.actor, id_of(activity.get("object"))
    )


async def on_create(ctx: Context, incoming: Incoming) -> bool:
    """A reply to one of our objects is counted on it."""
    obj = incoming.activity.get("object")
    if not isinstance(obj, dict):
        return False
    if id_of(obj.get("attributedTo")) not in {None, incoming.actor}:
        return False
    return await _store_interaction(
        ctx, "reply", id_of(obj), incoming.actor, id_of(obj.get("inReplyTo"))
    )


ACTOR_TYPES = frozenset({"Application", "Group", "Organization", "Person", "Service"})


async def on_update(ctx: Context, incoming: Incoming) -> bool:
    """An actor updating itself (new key, new inbox): refresh what we cached about it."""
    obj = incoming.activity.get("object")
    if not isinstance(obj, dict) or obj.get("type") not in ACTOR_TYPES:
        return False
    if id_of(obj) != incoming.actor:
        return False
    endpoints = endpoints_of(obj)
    async with ctx.database.session() as session, session.begin():
        if endpoints is not None:
            await save_actor(session, endpoints)
            await session.execute(
                update(Follower)
                .where(Follower.follower_uri == incoming.actor)
                .values(inbox=endpoints.inbox, shared_inbox=endpoints.shared_inbox)
            )
        for key in keys_in(obj):
            pem, key_id = key.get("publicKeyPem"), key.get("id")
            if not isinstance(pem, str) or not isinstance(key_id, str):
                continue
            if domain_of(key_id) != domain_of(incoming.actor):
                continue
            info = PublicKeyInfo(pem=pem, owner=incoming.actor)
            await save_key(session, key_id, info)
            remember_key(ctx, key_id, info)
    return True


Handler = Callable[[Context, Incoming], Awaitable[bool]]

HANDLERS: dict[str, Handler] = {
    "Follow": on_follow,
    "Undo": on_undo,
    "Delete": on_delete,
    "Accept": on_accept,
    "Reject": on_reject,
    "Like": on_like,
    "Announce": on_like,
    "Create": on_create,
    "Update": on_update,
}
