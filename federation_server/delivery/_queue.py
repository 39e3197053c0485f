"""The queue's database side: enqueue, claim under a lease, record what happened.

Claiming is ``server_kernel.jobs.claim_due`` (one ``UPDATE … WHERE id IN (SELECT … FOR
UPDATE SKIP LOCKED) RETURNING``): any number of workers share the queue without taking the
same job. A worker that dies lets its lease expire and the job is claimed again: delivery is
at least once, under the activity's stable id.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, delete, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.jsonld import dumps
from federation_server.db.base import utcnow
from federation_server.db.upsert import dialect_insert
from server_kernel.db import rows_affected, table_of
from server_kernel.jobs import claim_due, lease_free

from ._policy import HostHealth, Outcome, classify, retry_at
from .models import Delivery, DeliveryActivity, DeliveryStatus, HostState

__all__ = [
    "Attempt",
    "Claimed",
    "claim",
    "enqueue",
    "expire",
    "failing_hosts",
    "host_of",
    "mark_host_available",
    "record",
    "release",
    "remove_gone_followers",
]


DEFAULT_HEALTH = HostHealth()


def host_of(inbox: str) -> str:
    """The breaker's key: host and port (two servers on one address are two hosts)."""
    return urlsplit(inbox).netloc.lower()


def _target(recipient: Any) -> str | None:
    """Where to deliver for one recipient: its shared inbox when it has one, else its inbox."""
    if isinstance(recipient, str):
        return recipient
    if isinstance(recipient, Mapping):
        return recipient.get("shared_inbox") or recipient.get("inbox")
    return getattr(recipient, "shared_inbox", None) or getattr(recipient, "inbox", None)


async def enqueue(
    session: AsyncSession,
    activity: Mapping[str, Any],
    actor_key_id: str,
    recipients: Iterable[Any],
    *,
    now: datetime | None = None,
) -> int:
    """Queue ``activity`` for every recipient, one delivery per (shared) inbox.

    ``recipients`` are inbox URLs, follower rows (``inbox``/``shared_inbox`` attributes) or
    mappings with those keys. Runs in the caller's transaction, so the queue commits with
    whatever produced the activity. Enqueueing the same activity id again adds only inboxes
    it was not queued for. Returns the number of deliveries added.
    """
    activity_id = activity.get("id")
    if not isinstance(activity_id, str) or not activity_id:
        raise ValueError("an activity needs a stable id to be delivered")
    inboxes = list(dict.fromkeys(t for t in map(_target, recipients) if t))
    if not inboxes:
        return 0
    when = now or utcnow()
    # Every delivered body carries the ActivityStreams context: Mastodon drops and Fedify
    # refuses (400 "Missing actor") an activity without it.
    body = dumps(dict(activity))
    await session.execute(
        dialect_insert(session, DeliveryActivity.__table__)
        .values(activity_id=activity_id, actor_key_id=actor_key_id, body=body, created_at=when)
        .on_conflict_do_nothing(index_elements=["activity_id"])
    )
    activity_pk = await session.scalar(
        select(DeliveryActivity.id).where(DeliveryActivity.activity_id == activity_id)
    )
    existing = set(
        (
            await session.scalars(select(Delivery.inbox).where(Delivery.activity_pk == activity_pk))
        ).all()
    )
    rows = [
        {
            "activity_pk": activity_pk,
            "inbox": inbox,
            "host": host_of(inbox),
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": when,
            "created_at": when,
        }
        for inbox in inboxes
        if inbox not in existing
    ]
    if rows:
        statement = dialect_insert(session, Delivery.__table__).on_conflict_do_nothing(
            index_elements=["activity_pk", "inbox"]
        )
        await session.execute(statement, rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A job this worker holds until its lease runs out."""

    id: int
    activity_pk: int
    inbox: str
    host: str
    attempts: int


async def claim(
    session: AsyncSession,
    *,
    worker_id: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[Claimed]:
    """Take up to ``limit`` due jobs whose host is not held back, leasing them to us."""
    held_back = select(HostState.host).where(HostState.open_until > now)
    leased = await claim_due(
        session,
        Delivery.id,
        due=(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now,
            Delivery.host.not_in(held_back),
        ),
        free=lease_free(Delivery.lease_until, now),
        lease={"lease_until": now + timedelta(seconds=lease_seconds), "worker": worker_id},
        returning=(
            Delivery.id,
            Delivery.activity_pk,
            Delivery.inbox,
            Delivery.host,
            Delivery.attempts,
        ),
        order_by=(Delivery.next_attempt_at, Delivery.id),
        limit=limit,
    )
    return [Claimed(*row) for row in leased]


@dataclass(frozen=True, slots=True)
class Attempt:
    """What happened when a claimed job was tried once."""

    job: Claimed
    #: HTTP status, or ``None`` when no response came (network error, timeout, refused).
    status: int | None
    error: str | None = None
    retry_after: float | None = None
    #: Refused for good without a response (e.g. the SSRF guard): never retried.
    permanent: bool = False
    #: Our side failed (no key, address refused by policy): says nothing about the host.
    local: bool = False

    @property
    def outcome(self) -> Outcome:
        return Outcome.REJECTED if self.permanent else classify(self.status)


_DELIVERIES = table_of(Delivery)
#: The batch's delivered jobs, as one statement built once (SQLAlchemy caches its compiled
#: form): built per batch through the ORM's bulk update it cost about a third of a batch's
#: database time (100 deliveries to 100 shared inboxes).
_MARK_DELIVERED = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=DeliveryStatus.DELIVERED,
        attempts=_DELIVERIES.c.attempts + 1,
        lease_until=None,
        last_status=200,
        last_error=None,
        finished_at=bindparam("now", type_=_DELIVERIES.c.finished_at.type),
    )
)


@dataclass
class RecordSummary:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    gone: int = 0


async def record(
    session: AsyncSession,
    attempts: Sequence[Attempt],
    *,
    now: datetime,
    max_attempts: int,
    retry_base: float,
    health: HostHealth = DEFAULT_HEALTH,
    rand: Callable[[], float] = random.random,
) -> tuple[RecordSummary, list[str]]:
    """Store the attempts' results and the hosts' health; returns the summary and gone inboxes."""
    summary = RecordSummary()
    delivered = [a for a in attempts if a.outcome is Outcome.DELIVERED]
    if delivered:
        await session.execute(_MARK_DELIVERED, {"ids": [a.job.id for a in delivered], "now": now})
        summary.delivered = len(delivered)
    gone: list[str] = []
    for attempt in attempts:
        outcome = attempt.outcome
        if outcome is Outcome.DELIVERED:
            continue
        tries = attempt.job.attempts + 1
        values: dict[str, Any] = {
            "attempts": tries,
            "lease_until": None,
            "last_status": attempt.status,
            "last_error": (attempt.error or f"HTTP {attempt.status}")[:500],
        }
        when = None
        if outcome is Outcome.RETRY:
            when = retry_at(
                tries,
                now,
                max_attempts=max_attempts,
                base=retry_base,
                retry_after=attempt.retry_after,
                rand=rand,
            )
        if when is not None:
            values["next_attempt_at"] = when
            summary.retrying += 1
        else:
            values["status"] = DeliveryStatus.FAILED
            values["finished_at"] = now
            summary.failed += 1
        if outcome is Outcome.GONE:
            summary.gone += 1
            gone.append(attempt.job.inbox)
        await session.execute(
            update(Delivery)
            .where(Delivery.id == attempt.job.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    await _update_hosts(session, attempts, now, health)
    return summary, gone


async def _update_hosts(
    session: AsyncSession, attempts: Sequence[Attempt], now: datetime, template: HostHealth
) -> None:
    """A host that answered at all (even 4xx) is healthy; network errors and 5xx are not."""
    answered: dict[str, bool] = {}
    failures: dict[str, int] = {}
    for attempt in attempts:
        host = attempt.job.host
        if attempt.local:
            continue
        if attempt.outcome is Outcome.RETRY:
            failures[host] = failures.get(host, 0) + 1
            answered.setdefault(host, False)
        else:
            answered[host] = True
    if not answered:
        return
    rows = {
        row.host: row
        for row in (
            await session.scalars(select(HostState).where(HostState.host.in_(list(answered))))
        ).all()
    }
    for host, ok in answered.items():
        row = rows.get(host)
        if row is None:
            if ok:
                continue  # a healthy host we never saw fail needs no row
            row = HostState(host=host, consecutive_failures=0, failure_days=[], unavailable=False)
            session.add(row)
        state = HostHealth(
            consecutive_failures=row.consecutive_failures or 0,
            failure_days=tuple(row.failure_days or ()),
            unavailable=bool(row.unavailable),
            open_until=row.open_until,
            failure_threshold=template.failure_threshold,
            open_seconds=template.open_seconds,
            unavailable_after_days=template.unavailable_after_days,
            unavailable_probe_seconds=template.unavailable_probe_seconds,
        )
        if ok:
            state = state.succeeded()
            row.last_success_at = now
        else:
            for _ in range(failures.get(host, 0)):
                state = state.failed(now)
            row.last_failure_at = now
        row.consecutive_failures = state.consecutive_failures
        row.failure_days = list(state.failure_days)
        row.unavailable = state.unavailable
        row.open_until = state.open_until


async def expire(session: AsyncSession, *, now: datetime, max_age_seconds: float) -> int:
    """Give up on jobs queued longer than ``max_age_seconds`` (e.g. held back by a dead host)."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.created_at < now - timedelta(seconds=max_age_seconds),
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .values(status=DeliveryStatus.FAILED, last_error="expired in the queue", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result)


async def failing_hosts(session: AsyncSession, hosts: set[str], threshold: int) -> set[str]:
    """Those of ``hosts`` that failed ``threshold`` times in a row, or are unavailable."""
    if not hosts:
        return set()
    rows = await session.scalars(
        select(HostState.host).where(
            HostState.host.in_(list(hosts)),
            or_(HostState.consecutive_failures >= threshold, HostState.unavailable.is_(True)),
        )
    )
    return set(rows.all())


async def release(session: AsyncSession, ids: Sequence[int]) -> None:
    """Give claimed jobs back to the queue untried (no attempt is counted)."""
    if ids:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(list(ids)))
            .values(lease_until=None, worker=None)
            .execution_options(synchronize_session=False)
        )


def _unhealthy() -> Any:
    return not_(
        and_(
            HostState.unavailable.is_(False),
            HostState.consecutive_failures == 0,
            HostState.open_until.is_(None),
        )
    )


async def unhealthy_hosts(session: AsyncSession) -> set[str]:
    """Hosts with failures on record (the ones ``mark_host_available`` would change)."""
    return set((await session.scalars(select(HostState.host).where(_unhealthy()))).all())


async def mark_host_available(session: AsyncSession, host: str) -> None:
    """A host showed it is alive (e.g. it sent us a signed request): deliver to it again."""
    await session.execute(
        update(HostState)
        .where(HostState.host == host.lower(), _unhealthy())
        .values(consecutive_failures=0, failure_days=[], unavailable=False, open_until=None)
    )


async def remove_gone_followers(session: AsyncSession, inboxes: Sequence[str]) -> int:
    """Delete followers delivered to through an inbox that answered 410 Gone."""
    if not inboxes:
        return 0
    from federation_server.db.models import Follower

    result = await session.execute(
        delete(Follower).where(
            or_(Follower.inbox.in_(list(inboxes)), Follower.shared_inbox.in_(list(inboxes)))
        )
    )
    return rows_affected(result)
