"""Sending: record an activity in the actor's outbox and queue it for delivery."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.activities import Activity
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
    activity: Activity,
    *,
    inboxes: Sequence[str] | None = None,
) -> OutboxActivity:
    """Record ``activity`` (built by ``activitypub.activities``) and enqueue it, in the
    caller's transaction.

    ``inboxes`` None means the actor's followers; the delivery queue row commits (or not)
    together with the record, so a crash never loses or half-sends an activity.
    """
    document = activity.document()
    row = OutboxActivity(
        ap_id=activity.id,
        actor_name=actor.name,
        activity_type=activity.type,
        object_ap_id=activity.object_id,
        activity_json=document,
    )
    session.add(row)
    await session.flush()
    targets = list(inboxes) if inboxes is not None else await follower_inboxes(session, actor.name)
    targets = [t for t in targets if not ctx.settings.is_blocked(domain_of(t))]
    if targets:
        await enqueue(session, document, ctx.urls.key(actor.name), targets)
    return row
