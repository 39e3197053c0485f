"""Failed sign-ins counted per account and per client address, in the database.

Counting rows in a sliding window (instead of a per-process counter) means every API
process enforces the same limit. The account key is a hash of the normalised email, so the
table does not list who was attacked, and unknown emails are counted exactly like known ones.

:meth:`Throttle.reserve` checks the limits and records the attempt in one transaction, under a
lock on its keys (``BEGIN IMMEDIATE`` on SQLite, transaction-scoped advisory locks on
PostgreSQL), *before* the password is checked: a burst of any size gets at most the allowed
number of checks. A successful attempt then gives its reservation back (:meth:`release`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db import lock_keys, utcnow
from commerce_api.db.models import AuthFailure
from commerce_api.domain.identity._errors import TooManyAttempts
from commerce_api.tokens import hash_token

__all__ = ["Throttle", "account_key", "address_key"]

DAY = timedelta(days=1)


def account_key(email: str) -> str:
    return "account:" + hash_token(email)[:40]


def address_key(address: str) -> str:
    return "address:" + address[:80]


@dataclass(frozen=True)
class Throttle:
    per_account: int
    per_address: int
    window: timedelta
    detail: str = "Too many failed sign-ins; wait before trying again."

    async def check(self, session: AsyncSession, account: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when either key is at its limit."""
        now = utcnow()
        for key, limit in ((account, self.per_account), (address, self.per_address)):
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(AuthFailure.failed_at)).where(
                        AuthFailure.key == key, AuthFailure.failed_at > now - self.window
                    )
                )
            ).one()
            if count >= limit:
                raise TooManyAttempts(self._retry_after(oldest, now), self.detail)

    def _retry_after(self, oldest: datetime | None, now: datetime) -> int:
        if oldest is None:
            return int(self.window.total_seconds())
        if oldest.tzinfo is None:  # SQLite's MIN() bypasses the column type
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        return int((oldest + self.window - now).total_seconds()) + 1

    async def reserve(self, session: AsyncSession, account: str, address: str) -> list[int]:
        """Check the limits and count this attempt as a failure, atomically; returns the
        ids of the rows to :meth:`release` if the attempt succeeds."""
        await lock_keys(session, account, address)
        await self.check(session, account, address)
        rows = await self.record_failure(session, account, address)
        await session.flush()
        return [row.id for row in rows]

    async def release(self, session: AsyncSession, reservation: list[int]) -> None:
        await session.execute(delete(AuthFailure).where(AuthFailure.id.in_(reservation)))

    async def record_failure(
        self, session: AsyncSession, account: str, address: str
    ) -> list[AuthFailure]:
        now = utcnow()
        # Other throttles share the table with other windows: prune only our own keys, and
        # anything older than a day.
        await session.execute(
            delete(AuthFailure).where(
                AuthFailure.key.in_((account, address)), AuthFailure.failed_at < now - self.window
            )
        )
        await session.execute(delete(AuthFailure).where(AuthFailure.failed_at < now - DAY))
        rows = [AuthFailure(key=account, failed_at=now), AuthFailure(key=address, failed_at=now)]
        session.add_all(rows)
        return rows

    async def clear(self, session: AsyncSession, account: str) -> None:
        await session.execute(delete(AuthFailure).where(AuthFailure.key == account))
