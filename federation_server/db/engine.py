"""Async engine and session factory, built once per process from the settings' URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


@dataclass
class Database:
    """An engine and its session factory; ``session()`` opens a unit of work."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    def autocommit(self) -> AsyncConnection:
        """A connection for one statement that needs no transaction around it: no BEGIN and
        COMMIT round trips (use as ``async with db.autocommit() as conn``)."""
        return self.engine.execution_options(isolation_level="AUTOCOMMIT").connect()

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the HTTP handlers read while the delivery worker writes.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_database(url: str, **engine_kwargs: Any) -> Database:
    """Create the engine for ``url``; for a file SQLite URL also create its folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine_kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, **engine_kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        # No pre-ping (a round trip per checkout on the inbox's hot path): a connection the
        # server dropped fails one statement and the pool is invalidated; recycling keeps
        # connections younger than typical idle timeouts.
        engine_kwargs.setdefault("pool_recycle", 1800)
        engine_kwargs.setdefault("pool_size", 32)
        engine_kwargs.setdefault("max_overflow", 8)
        engine = create_async_engine(url, **engine_kwargs)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
