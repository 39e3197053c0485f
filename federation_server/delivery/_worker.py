"""The delivery worker: a thin I/O shell around the queue and the scheduling rules.

``run_once()`` claims a batch of due jobs, POSTs each signed activity (bounded overall and
per host), and records the results in one transaction. ``run_forever()`` repeats that,
sleeping ``poll_seconds`` when the queue is idle. Any number of workers may run against
PostgreSQL; on SQLite run one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from federation_server.activitypub.jsonld import AP_CONTENT_TYPE
from federation_server.db.base import utcnow
from federation_server.db.engine import Database
from federation_server.signatures import sign_request
from server_kernel import run_periodically

from ._policy import HostHealth, Outcome, parse_retry_after
from ._queue import (
    DEFAULT_HEALTH,
    Attempt,
    Claimed,
    claim,
    expire,
    failing_hosts,
    record,
    release,
    remove_gone_followers,
)
from ._senders import Sender, SendError
from .models import DeliveryActivity

__all__ = ["RunReport", "Worker"]

log = logging.getLogger(__name__)

#: ``key_id -> private key`` of one of our actors.
KeyResolver = Callable[[str], Awaitable[Any]]
#: Called with the inboxes that answered 410, after their followers were removed.
GoneCallback = Callable[[list[str]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one ``run_once`` did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    gone: int = 0


def _warn(attempts: list[Attempt]) -> None:
    """One WARNING per attempt that did not deliver: an operator sees which host refused or
    failed, with what status, and how the answer began."""
    for attempt in attempts:
        outcome = attempt.outcome
        if outcome is Outcome.DELIVERED:
            continue
        log.warning(
            "delivery %s: %s (host %s, status %s, attempt %d): %s",
            outcome.value, attempt.job.inbox, attempt.job.host,
            attempt.status if attempt.status is not None else "no answer",
            attempt.job.attempts + 1, attempt.error,
        )  # fmt: skip


class Worker:
    """Delivers queued activities; see the module docstring."""

    def __init__(
        self,
        database: Database,
        *,
        sender: Sender,
        key_resolver: KeyResolver,
        worker_id: str | None = None,
        batch_size: int = 200,
        concurrency: int = 32,
        per_host: int = 8,
        lease_seconds: float = 300.0,
        max_age_seconds: float = 7 * 24 * 3600.0,
        max_attempts: int = 16,
        retry_base: float = 15.0,
        poll_seconds: float = 1.0,
        user_agent: str = "rose-ash",
        health: HostHealth = DEFAULT_HEALTH,
        on_gone: GoneCallback | None = None,
        clock: Callable[[], datetime] = utcnow,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.database = database
        self.sender = sender
        self.key_resolver = key_resolver
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.batch_size = batch_size
        self.per_host = per_host
        self.lease_seconds = lease_seconds
        self.max_age_seconds = max_age_seconds
        self._next_expiry: datetime | None = None
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.poll_seconds = poll_seconds
        self.user_agent = user_agent
        self.health = health
        self.on_gone = on_gone
        self.clock = clock
        self.rand = rand
        self._slots = asyncio.Semaphore(concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._concurrency = concurrency
        self._bodies: dict[int, tuple[bytes, str]] = {}
        self._keys: dict[str, Any] = {}
        self._wake = asyncio.Event()
        self._base_headers = {
            "Content-Type": AP_CONTENT_TYPE,
            "Accept": AP_CONTENT_TYPE,
            "User-Agent": user_agent,
        }

    def wake(self) -> None:
        """Look at the queue now instead of after the poll interval."""
        self._wake.set()

    async def run_once(self) -> RunReport:
        """Claim one batch of due jobs, deliver them, record the results."""
        now = self.clock()
        expired = 0
        async with self.database.session() as session, session.begin():
            if self._next_expiry is None or now >= self._next_expiry:
                expired = await expire(session, now=now, max_age_seconds=self.max_age_seconds)
                self._next_expiry = now + timedelta(hours=1)
            jobs = await claim(
                session,
                worker_id=self.worker_id,
                now=now,
                lease_seconds=self.lease_seconds,
                limit=self.batch_size,
            )
            jobs = await self._one_probe_per_recovering_host(session, jobs)
            if jobs:
                await self._load_bodies(session, {job.activity_pk for job in jobs})
        if not jobs:
            return RunReport(failed=expired)
        attempts = await asyncio.gather(*(self._deliver(job) for job in jobs))
        _warn(attempts)
        async with self.database.session() as session, session.begin():
            summary, gone = await record(
                session,
                attempts,
                now=self.clock(),
                max_attempts=self.max_attempts,
                retry_base=self.retry_base,
                health=self.health,
                rand=self.rand,
            )
            if gone:
                await remove_gone_followers(session, gone)
        if gone and self.on_gone is not None:
            await self.on_gone(gone)
        return RunReport(
            claimed=len(jobs),
            delivered=summary.delivered,
            retrying=summary.retrying,
            failed=summary.failed + expired,
            gone=summary.gone,
        )

    async def _one_probe_per_recovering_host(
        self, session: Any, jobs: list[Claimed]
    ) -> list[Claimed]:
        """A host whose breaker just closed again gets one job; the rest wait for its answer."""
        threshold = self.health.failure_threshold
        recovering = await failing_hosts(session, {job.host for job in jobs}, threshold)
        if not recovering:
            return jobs
        kept: list[Claimed] = []
        released: list[int] = []
        probed: set[str] = set()
        for job in jobs:
            if job.host in recovering and job.host in probed:
                released.append(job.id)
                continue
            probed.add(job.host)
            kept.append(job)
        await release(session, released)
        return kept

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until ``stop`` is set (or the task is cancelled)."""

        async def deliver() -> int:
            return (await self.run_once()).claimed

        await run_periodically(
            deliver,
            every=self.poll_seconds,
            name="delivery run",
            logger=log,
            wake=self._wake,
            stop=stop,
        )

    async def _load_bodies(self, session: Any, pks: set[int]) -> None:
        missing = [pk for pk in pks if pk not in self._bodies]
        if not missing:
            return
        if len(self._bodies) > 1000:
            self._bodies.clear()
        rows = await session.execute(
            select(DeliveryActivity.id, DeliveryActivity.body, DeliveryActivity.actor_key_id).where(
                DeliveryActivity.id.in_(missing)
            )
        )
        for pk, body, key_id in rows.all():
            self._bodies[pk] = (body.encode("utf-8"), key_id)

    def _host_slot(self, host: str) -> contextlib.AbstractAsyncContextManager[Any]:
        """The host's share of the concurrency (nothing to wait for when it is all of it)."""
        if self.per_host >= self._concurrency:
            return contextlib.nullcontext()
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.per_host)
        return slot

    async def _private_key(self, key_id: str) -> Any:
        if key_id not in self._keys:
            self._keys[key_id] = await self.key_resolver(key_id)
        return self._keys[key_id]

    async def _deliver(self, job: Claimed) -> Attempt:
        body, key_id = self._bodies[job.activity_pk]
        async with self._slots, self._host_slot(job.host):
            try:
                private_key = await self._private_key(key_id)
                headers = sign_request(
                    "POST",
                    job.inbox,
                    self._base_headers,
                    body,
                    key_id=key_id,
                    private_key=private_key,
                )
            except Exception as error:  # our key is gone or unusable: not the host's fault
                message = f"cannot sign with {key_id}: {type(error).__name__}: {error}"
                return Attempt(job, None, message, permanent=True, local=True)
            try:
                result = await self.sender.post(job.inbox, body, headers)
            except SendError as error:
                return Attempt(job, None, str(error), permanent=error.permanent, local=error.local)
        retry_after = parse_retry_after(result.retry_after, self.clock())
        refused = None
        if not 200 <= result.status < 300:
            answer = result.body_start.decode("utf-8", "replace").strip()
            refused = f"HTTP {result.status}: {answer}" if answer else f"HTTP {result.status}"
        return Attempt(job, result.status, refused, retry_after)
