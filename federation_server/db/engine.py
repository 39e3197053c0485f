"""Async engine and session factory, built once per process from the settings' URL.

The engine comes from ``server_kernel.db.create_engine``: on SQLite, WAL (the HTTP handlers
read while the delivery worker writes) and write transactions that begin ``IMMEDIATE``;
:meth:`Database.reading` sessions begin deferred and never queue behind a writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from server_kernel.db import READING, create_engine
from server_kernel.direct import execute_one

__all__ = ["Database", "create_database"]


@dataclass
class Database:
    """An engine and its session factories; ``session()`` opens a unit of work."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession] = field(init=False)
    #: The engine with ``AUTOCOMMIT``, made once: ``execution_options`` builds a new engine
    #: object (with its own event dispatch) at every call, a third of the inbox's insert.
    autocommitting: AsyncEngine = field(init=False)

    def __post_init__(self) -> None:
        self.readers = async_sessionmaker(
            self.engine.execution_options(**READING), expire_on_commit=False
        )
        self.autocommitting = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> AsyncSession:
        """A session that may write (on SQLite it takes the write lock at its first query)."""
        return self.sessionmaker()

    def reading(self) -> AsyncSession:
        """A session for reads only: on SQLite it does not queue behind writers."""
        return self.readers()

    def autocommit(self) -> AsyncConnection:
        """A connection for one statement that needs no transaction around it: no BEGIN and
        COMMIT round trips (use as ``async with db.autocommit() as conn``)."""
        return self.autocommitting.connect()

    async def write_one(self, statement: Executable, params: Mapping[str, Any]) -> Sequence[Any]:
        """One statement outside any transaction (it commits by itself); its rows (give it a
        ``RETURNING`` to learn what it wrote).

        For the hottest single-statement writes: on PostgreSQL it goes straight to the
        pool's asyncpg connection once it qualifies (``server_kernel.direct``, as commerce's
        ``Database.write``): SQLAlchemy's connection, execution context and result cost
        about twice the round trip itself. A database going away is a ``ConnectionError``
        (503), never a 500."""
        return await execute_one(self.engine, self.autocommitting, statement, params)

    async def dispose(self) -> None:
        await self.engine.dispose()


def create_database(url: str, **engine_kwargs: Any) -> Database:
    """Create the engine for ``url``; for a file SQLite URL also create its folder.

    On PostgreSQL: no pre-ping (a round trip per checkout on the inbox's hot path): a
    connection the server dropped fails one statement and the pool is invalidated; recycling
    keeps connections younger than typical idle timeouts.
    """
    engine_kwargs.setdefault("pool_recycle", 1800)
    engine_kwargs.setdefault("pool_size", 32)
    engine_kwargs.setdefault("max_overflow", 8)
    engine = create_engine(url, **engine_kwargs)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
