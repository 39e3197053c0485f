"""Background work: the one loop every worker runs, and the database job queue's shared parts.

Mail, refunds, expiry, identity sweeps, deliveries and stored inbox activities all run in
:func:`run_periodically` inside ``serve`` or a worker: a database hiccup must be logged and
retried, not end the loop, and a job that found work runs again at once instead of sleeping.

Work that must survive a crash is a row in a queue table. A worker claims due rows under a
lease (:func:`claim_due`), does the work outside any transaction, then records the outcome; a
worker that dies lets its lease run out and the row is claimed again (at least once). Failed
attempts wait longer each time (:func:`backoff`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["backoff", "claim_due", "lease_free", "run_periodically"]


async def run_periodically(
    job: Callable[[], Awaitable[object]],
    *,
    every: float,
    name: str,
    logger: logging.Logger,
    wake: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    wait_first: bool = False,
) -> None:
    """Run ``job`` until ``stop`` is set or the task is cancelled.

    ``job`` returns something truthy when it did work: it then runs again at once. Otherwise
    the loop waits ``every`` seconds, or until ``wake`` or ``stop`` is set. An exception is
    logged with a traceback (``name`` says which job) and the loop carries on after the wait.
    With ``wait_first`` the first run comes after one wait (sweeps that start-up already did).
    """
    wake = wake or asyncio.Event()
    stop = stop or asyncio.Event()
    if wait_first:
        await _wait(every, wake, stop)
    while not stop.is_set():
        try:
            busy = bool(await job())
        except Exception:
            logger.exception("%s failed; retrying after %.0f s", name, every)
            busy = False
        if not busy:
            await _wait(every, wake, stop)


async def _wait(seconds: float, wake: asyncio.Event, stop: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), seconds
            )
    finally:
        for waiter in waiters:
            waiter.cancel()
        wake.clear()


def backoff(attempts: int, *, first: float, cap: float) -> timedelta:
    """The wait after the ``attempts``-th failure (1-based): ``first`` seconds, doubled for
    each failure after it, at most ``cap`` seconds."""
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), cap))


def lease_free(lease_until: InstrumentedAttribute[Any], now: datetime) -> ColumnElement[bool]:
    """Not held by a live worker: never leased, or the lease ran out."""
    return or_(lease_until.is_(None), lease_until < now)


async def claim_due(
    session: AsyncSession,
    key: InstrumentedAttribute[Any],
    *,
    due: Sequence[ColumnElement[bool]],
    free: ColumnElement[bool],
    lease: Mapping[str, Any],
    returning: Sequence[Any],
    order_by: Sequence[Any] = (),
    limit: int,
) -> list[Row[Any]]:
    """Lease up to ``limit`` rows that are ``due`` and ``free`` (by ``order_by``) in one
    statement: ``UPDATE … SET lease WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED) AND free
    RETURNING returning``.

    On PostgreSQL any number of workers share the queue: each skips the rows another is
    claiming, and ``free`` is checked again on the row it locked. SQLite has no row locks (the
    clause renders as nothing), but the single conditional write inside the ``BEGIN
    IMMEDIATE`` transaction of ``server_kernel.db`` engines cannot race another worker's.
    ``key`` is the table's primary key column (``Delivery.id``).
    """
    chosen = (
        select(key)
        .where(*due, free)
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    leased = await session.execute(
        update(key.class_)
        .where(key.in_(chosen), free)
        .values(**lease)
        .returning(*returning)
        .execution_options(synchronize_session=False)
    )
    return list(leased.all())
