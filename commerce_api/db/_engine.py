"""The async engine and session factory, with the per-database settings that make concurrent
writes correct: on SQLite every transaction starts with ``BEGIN IMMEDIATE`` (so two writers
queue instead of failing to upgrade a read lock), WAL and a busy timeout."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, Row, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = ["Database", "ensure_sqlite_directory"]

SQLITE_BUSY_TIMEOUT_SECONDS = 30
POOL_SIZE = 20
"""Connections kept open (opened on demand). Overflow connections beyond it are closed on
return and opened again on the next burst, and a PostgreSQL connection costs a process fork:
at 16 concurrent transactions a pool of 10 made 38 connections for 800 transactions, 20 made 16."""
_READ_ONLY = "commerce_read_only"


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a file-based SQLite URL (``var/`` on a fresh clone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers (``Database.reading``) start deferred: in WAL they never wait for writers.
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine plus its session factory; the app keeps one per process."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        backend = make_url(url).get_backend_name()
        self.dialect = backend
        kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
        if backend == "sqlite":
            ensure_sqlite_directory(url)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = pool_size
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if backend == "sqlite":
            _configure_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        """Sessions that may write (on SQLite they take the write lock at their first query)."""
        self._readers = async_sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        # One statement needs no transaction around it: on PostgreSQL, autocommit saves the
        # BEGIN and ROLLBACK round trips; SQLite reads in a deferred (non-locking) transaction.
        self._single = self.engine.execution_options(
            **({_READ_ONLY: True} if backend == "sqlite" else {"isolation_level": "AUTOCOMMIT"})
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
    ) -> Sequence[Row[Any]]:
        """The rows of one SELECT, in one round trip (no transaction needed for one statement)."""
        async with self._single.connect() as conn:
            return (await conn.execute(statement, dict(params or {}))).all()

    async def write(self, statement: Executable, params: Mapping[str, Any] | None = None) -> None:
        """One statement that is atomic by itself (an INSERT, possibly with a WITH clause):
        autocommit on PostgreSQL (one round trip), a write transaction on SQLite."""
        if self.is_sqlite:
            async with self.transaction() as session:
                await session.execute(statement, dict(params or {}))
            return
        async with self._single.connect() as conn:
            await conn.execute(statement, dict(params or {}))

    async def dispose(self) -> None:
        await self.engine.dispose()
