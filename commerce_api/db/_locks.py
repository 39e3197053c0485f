"""Serialise transactions that check-then-write by a key (a limit counted over rows).

PostgreSQL: transaction-scoped advisory locks, taken in sorted order so two transactions never
wait on each other's keys in opposite order. SQLite needs nothing: every writing transaction
starts with ``BEGIN IMMEDIATE`` and so already runs alone."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["lock_keys"]


async def lock_keys(session: AsyncSession, *keys: str) -> None:
    """Hold ``keys`` until the session's transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
