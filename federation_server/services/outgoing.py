"""Sending: record an activity in the actor's outbox and queue it for delivery."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.ids import domain_of
from federation_server.context import Context
from federation_server.db.models import Follower, LocalActor, OutboxActivity
from federation_server.delivery import enqueue


async def follower_inboxes(session: AsyncSession, actor_name: str) -> list[str]:
    """One inbox per follower host: the shared inbox when there is one (as Mastodon does)."""
    rows = await session.execute(
        select(Follower.inbox, Follower.shared_inbox).where(Follower.actor_name == actor_name)
    )
    return sorted({shared or inbox for inbox, shared in rows.all()})


async def send_activity(
    session: AsyncSession,
    ctx: Context,
    actor: LocalActor,
    activity: dict[str, Any],
    *,
    inboxes: Sequence[str] | None = None,
) -> OutboxActivity:
    """Add ``activity`` to the outbox and enqueue it, in the caller's transaction.

    ``inboxes`` None means the actor's followers; the delivery queue row commits (or not)
    together with the outbox row, so a crash never loses or half-sends an activity.
    """
    obj = activity.get("object")
    row = OutboxActivity(
        ap_id=activity["id"],
        actor_name=actor.name,
        activity_type=activity["type"],
        object_ap_id=obj.get("id") if isinstance(obj, dict) else obj,
        activity_json=activity,
    )
    session.add(row)
    await session.flush()
    targets = list(inboxes) if inboxes is not None else await follower_inboxes(session, actor.name)
    targets = [t for t in targets if not ctx.settings.is_blocked(domain_of(t))]
    if targets:
        await _enqueue(session, ctx, actor, activity, targets)
    return row


async def _enqueue(
    session: AsyncSession,
    ctx: Context,
    actor: LocalActor,
    activity: dict[str, Any],
    inboxes: list[str],
) -> None:
    await enqueue(session, activity, ctx.urls.key(actor.name), inboxes)
