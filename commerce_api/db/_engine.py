"""The async engine and session factory. The engine (``server_kernel.db.create_engine``) makes
concurrent writes correct: on SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(so two writers queue instead of failing to upgrade a read lock), WAL and a busy timeout."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from server_kernel.db import READING, create_engine
from server_kernel.direct import all_rows, execute_one

__all__ = ["Database"]

POOL_SIZE = 32
"""Connections kept open (opened on demand). Overflow connections beyond it are closed on
return and opened again on the next burst, and a PostgreSQL connection costs a process fork:
at 16 concurrent transactions a pool of 10 made 38 connections for 800 transactions, 20 made 16;
at 32 concurrent adds to cart a pool of 20 spent about 20 % of the process's samples opening,
closing and preparing statements on new connections."""
MAX_OVERFLOW = 8
"""At most ``POOL_SIZE + MAX_OVERFLOW`` connections per process (40, as before)."""


class Database:
    """One engine plus its session factory; the app keeps one per process."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
    ) -> None:
        self.url = url
        backend = make_url(url).get_backend_name()
        self.dialect = backend
        self.engine: AsyncEngine = create_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=max_overflow
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        """Sessions that may write (on SQLite they take the write lock at their first query)."""
        self._readers = async_sessionmaker(
            self.engine.execution_options(**READING), expire_on_commit=False
        )
        # One statement needs no transaction around it: on PostgreSQL, autocommit saves the
        # BEGIN and ROLLBACK round trips; SQLite reads in a deferred (non-locking) transaction.
        self._single = self.engine.execution_options(
            **(READING if backend == "sqlite" else {"isolation_level": "AUTOCOMMIT"})
        )

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: on SQLite it does not queue behind writers."""
        async with self._readers() as session:
            yield session

    async def read(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        """The rows of one SELECT, in one round trip (no transaction needed for one statement).
        Rows are read by attribute (``row.item_id``), by name or by position."""
        return await self._one(statement, params)

    async def write(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        """One statement that is atomic by itself (an INSERT, possibly with a WITH clause or
        RETURNING): autocommit on PostgreSQL (one round trip), a write transaction on SQLite.
        The rows it returns, as :meth:`read` gives them."""
        if self.is_sqlite:
            async with self.transaction() as session:
                conn = await session.connection()
                return all_rows(await conn.execute(statement, dict(params or {})))
        return await self._one(statement, params)

    async def _one(self, statement: Executable, params: Mapping[str, Any] | None) -> Sequence[Any]:
        """On PostgreSQL, sent straight to asyncpg when it qualifies (``server_kernel.direct``)."""
        return await execute_one(self.engine, self._single, statement, params or {})

    async def dispose(self) -> None:
        await self.engine.dispose()
