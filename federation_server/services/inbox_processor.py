"""Processing what the inbox stored: one handler per activity type, retried on failure.

The inbox answers 202 as soon as an activity is verified and stored; this loop (run by
``serve``, and by ``deliver``) hands each stored row to ``services.handlers.HANDLERS``. Rows
are claimed under a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so several processes
can share the work and a process that dies mid-way loses nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.engine import Database
from federation_server.db.models import InboxActivity
from federation_server.services.actors import fetch_signer
from federation_server.services.fetch import build_fetch_client
from federation_server.services.handlers import HANDLERS, Incoming
from federation_server.settings import Settings
from server_kernel import run_periodically
from server_kernel.jobs import backoff, claim_due, lease_free

log = logging.getLogger(__name__)

LEASE_SECONDS = 120.0
MAX_ATTEMPTS = 5
#: Waits of 10, 20, 40 and 80 s between the five attempts (2.5 minutes in all).
RETRY_FIRST_SECONDS = 10.0
BATCH = 100


async def _claim(ctx: Context, limit: int) -> list[InboxActivity]:
    now = utcnow()
    async with ctx.database.session() as session, session.begin():
        claimed = await claim_due(
            session,
            InboxActivity.id,
            due=(InboxActivity.processed_at.is_(None),),
            free=lease_free(InboxActivity.lease_until, now),
            lease={"lease_until": now + timedelta(seconds=LEASE_SECONDS)},
            returning=(InboxActivity.id,),
            order_by=(InboxActivity.id,),
            limit=limit,
        )
        if not claimed:
            return []
        rows = await session.scalars(
            select(InboxActivity)
            .where(InboxActivity.id.in_([row.id for row in claimed]))
            .order_by(InboxActivity.id)
        )
        return list(rows.all())


async def _finish(ctx: Context, row_id: int, error: str | None, attempts: int) -> None:
    now = utcnow()
    values: dict[str, object]
    if error is None:
        values = {"processed_at": now, "lease_until": None}
    elif attempts >= MAX_ATTEMPTS:
        values = {"processed_at": now, "attempts": attempts, "last_error": error[:500]}
    else:
        retry = now + backoff(attempts, first=RETRY_FIRST_SECONDS, cap=RETRY_FIRST_SECONDS * 8)
        values = {"lease_until": retry, "attempts": attempts, "last_error": error[:500]}
    async with ctx.database.session() as session, session.begin():
        await session.execute(
            update(InboxActivity).where(InboxActivity.id == row_id).values(**values)
        )


async def process_pending(ctx: Context, limit: int = BATCH) -> int:
    """Handle the stored activities that are due; returns how many were claimed."""
    rows = await _claim(ctx, limit)
    for row in rows:
        handler = HANDLERS.get(row.activity_type)
        error: str | None = None
        if handler is not None:
            incoming = Incoming(
                activity=row.activity_json, actor=row.actor_uri, inbox_owner=row.inbox_owner
            )
            try:
                await handler(ctx, incoming)
            except Exception as exc:  # one bad activity must not stop the others
                log.exception("handling %s %s failed", row.activity_type, row.activity_id)
                error = f"{type(exc).__name__}: {exc}"
        await _finish(ctx, row.id, error, row.attempts + 1)
    return len(rows)


async def run_inbox_processor(ctx: Context, poll_seconds: float = 1.0) -> None:
    """Process stored activities until cancelled; the inbox wakes it on each new one."""
    await run_periodically(
        lambda: process_pending(ctx),
        every=poll_seconds,
        name="inbox processing",
        logger=log,
        wake=ctx.inbox_wake,
    )


async def inbox_context(settings: Settings, database: Database) -> Context:
    """A Context for handlers outside the web process: it fetches remote actors (signed, as
    the server does) and sends Accepts through the delivery queue."""
    ctx = Context(settings=settings, database=database, http=build_fetch_client(settings))
    ctx.fetch_auth = await fetch_signer(ctx)
    return ctx
