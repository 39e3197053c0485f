"""What an operator needs to see at a glance: ``python -m federation_server status``.

A pure read of the tables (``read_status``) and a plain-text rendering (``render``), so the
same numbers can be tested on SQLite and PostgreSQL and printed by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.db.base import utcnow
from federation_server.db.models import Follower, LocalActor

from .models import Delivery, DeliveryStatus, HostState

__all__ = ["HostReport", "Status", "read_status", "render"]

#: How far back "deliveries done and failed" look.
WINDOW = timedelta(hours=24)


@dataclass
class HostReport:
    """One remote host: the last 24 hours, its health, and the last thing that went wrong."""

    host: str
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    unavailable: bool = False
    last_error: str | None = None
    last_failure_at: datetime | None = None


@dataclass
class Status:
    followers: dict[str, int]
    queue_depth: int
    hosts: dict[str, HostReport] = field(default_factory=dict)

    @property
    def unavailable(self) -> list[str]:
        return sorted(h.host for h in self.hosts.values() if h.unavailable)


async def read_status(session: AsyncSession, now: datetime | None = None) -> Status:
    """Followers per actor, queue depth and per-host delivery figures since ``now - 24 h``."""
    now = now or utcnow()
    names = (await session.scalars(select(LocalActor.name).order_by(LocalActor.name))).all()
    counts: dict[str, int] = {
        name: count
        for name, count in await session.execute(
            select(Follower.actor_name, func.count()).group_by(Follower.actor_name)
        )
    }
    followers = {name: int(counts.get(name, 0)) for name in names}
    pending: dict[str, int] = {
        name: count
        for name, count in await session.execute(
            select(Delivery.host, func.count())
            .where(Delivery.status == DeliveryStatus.PENDING)
            .group_by(Delivery.host)
        )
    }
    status = Status(followers=followers, queue_depth=int(sum(pending.values())))

    def host(name: str) -> HostReport:
        return status.hosts.setdefault(name, HostReport(name))

    for name, count in pending.items():
        host(name).pending = int(count)
    finished = await session.execute(
        select(Delivery.host, Delivery.status, func.count())
        .where(Delivery.finished_at >= now - WINDOW)
        .group_by(Delivery.host, Delivery.status)
    )
    for name, state, count in finished.all():
        if state == DeliveryStatus.DELIVERED:
            host(name).delivered = int(count)
        elif state == DeliveryStatus.FAILED:
            host(name).failed = int(count)
    for row in (await session.scalars(select(HostState))).all():
        if row.unavailable or row.last_failure_at is not None:
            report = host(row.host)
            report.unavailable = bool(row.unavailable)
            report.last_failure_at = row.last_failure_at
    latest = (
        select(func.max(Delivery.id))
        .where(Delivery.last_error.is_not(None))
        .group_by(Delivery.host)
    )
    errors = await session.execute(
        select(Delivery.host, Delivery.last_error).where(Delivery.id.in_(latest))
    )
    for name, error in errors.all():
        host(name).last_error = error
    return status


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def render(status: Status) -> str:
    """The report as plain text, one fact per line."""
    lines = ["followers:"]
    lines += [f"  {name}: {count}" for name, count in status.followers.items()] or ["  (none)"]
    lines.append(f"queue depth: {status.queue_depth} pending")
    lines.append("deliveries in the last 24 h, by host:")
    active = sorted(status.hosts.values(), key=lambda h: h.host)
    if not active:
        lines.append("  (none)")
    for report in active:
        lines.append(
            f"  {report.host}: {report.delivered} delivered, {report.failed} failed, "
            f"{report.pending} pending"
        )
    lines.append(f"hosts marked unavailable: {', '.join(status.unavailable) or 'none'}")
    lines.append("last error per host:")
    failing = [h for h in active if h.last_error]
    if not failing:
        lines.append("  (none)")
    for report in failing:
        lines.append(f"  {report.host} ({_when(report.last_failure_at)}): {report.last_error}")
    return "\n".join(lines)
