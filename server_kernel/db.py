"""The database pieces both servers share: engines, constraint names, UTC timestamps.

Each server keeps its own ``Base`` (its own metadata and Alembic chain); what they must agree
on, so that the two schemas read alike, timestamps mean one thing and SQLite behaves the same
under both, lives here.

The SQLite policy (one place, both servers, async and sync engines): WAL, so readers never
wait for a writer; a 30 s busy timeout; foreign keys on; and every transaction started by us
rather than by the driver, as ``BEGIN IMMEDIATE`` unless its connection says otherwise
(:data:`SQLITE_BEGIN`). Taking the write lock at ``BEGIN`` makes two writers queue; a deferred
transaction that reads and then writes fails with "database is locked" when another writer
got in between, and no busy timeout helps it. Readers ask for ``DEFERRED`` (:data:`READING`).
This is SQLAlchemy's documented recipe for pysqlite and aiosqlite ("Serializable isolation /
Savepoints / Transactional DDL"); it also makes DDL transactional, so a migration that fails
half-way leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import fcntl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import sqlalchemy
from sqlalchemy import CursorResult, DateTime, MetaData, Result, Table, event, text
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

__all__ = [
    "NAMING_CONVENTION",
    "READING",
    "SQLITE_BEGIN",
    "SQLITE_BUSY_TIMEOUT_SECONDS",
    "UTCDateTime",
    "create_engine",
    "create_sync_engine",
    "ensure_sqlite_directory",
    "migration_lock",
    "new_metadata",
    "rows_affected",
    "table_of",
    "utcnow",
]

#: How long a SQLite statement waits for another connection's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30

#: Execution option: how a SQLite transaction begins, ``"IMMEDIATE"`` (the default),
#: ``"DEFERRED"`` or ``"EXCLUSIVE"``. Ignored by PostgreSQL.
SQLITE_BEGIN = "sqlite_begin"

#: Execution options for read-only work: on SQLite a deferred transaction, which in WAL mode
#: never queues behind writers (``engine.execution_options(**READING)``).
READING: dict[str, Any] = {SQLITE_BEGIN: "DEFERRED"}

_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a file-based SQLite URL (``var/`` on a fresh clone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the driver, so that _on_begin decides how to begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # each statement commits by itself
    mode = options.get(SQLITE_BEGIN, "IMMEDIATE")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"{SQLITE_BEGIN} must be one of {sorted(_BEGIN_MODES)}, not {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_policy(engine: Engine) -> None:
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def _engine_kwargs(
    url: str,
    engine_kwargs: dict[str, Any],
    pool_size: int,
    max_overflow: int,
    pool_recycle: float,
) -> tuple[bool, dict[str, Any]]:
    sqlite = make_url(url).get_backend_name() == "sqlite"
    kwargs = dict(engine_kwargs)
    kwargs.setdefault("pool_pre_ping", False)
    if sqlite:
        ensure_sqlite_directory(url)
        kwargs["connect_args"] = {
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            **kwargs.get("connect_args", {}),
        }
    elif "poolclass" not in kwargs:
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_recycle=pool_recycle)
    return sqlite, kwargs


def create_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_recycle: float = -1,
    **engine_kwargs: Any,
) -> AsyncEngine:
    """An async engine for ``url`` with the shared SQLite policy (see the module docstring).

    The pool settings apply to PostgreSQL only (each server sizes its own pool); no pre-ping,
    since a round trip per checkout costs more than one failed statement after a restart.
    Other keyword arguments go to SQLAlchemy's ``create_async_engine``.
    """
    sqlite, kwargs = _engine_kwargs(url, engine_kwargs, pool_size, max_overflow, pool_recycle)
    engine = create_async_engine(url, **kwargs)
    if sqlite:
        _sqlite_policy(engine.sync_engine)
    return engine


def create_sync_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_recycle: float = -1,
    **engine_kwargs: Any,
) -> Engine:
    """:func:`create_engine` for synchronous drivers (``sqlite+pysqlite``, ``psycopg``)."""
    sqlite, kwargs = _engine_kwargs(url, engine_kwargs, pool_size, max_overflow, pool_recycle)
    engine = sqlalchemy.create_engine(url, **kwargs)
    if sqlite:
        _sqlite_policy(engine)
    return engine


#: Deterministic constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[Any]) -> Table:
    """A mapped model's table, typed as one (SQLAlchemy declares ``__table__`` as any FROM
    clause), for statements built once with Core."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def new_metadata() -> MetaData:
    """A server's metadata, with the shared naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite forgets the offset).

    A naive datetime is refused rather than guessed: parsers at the edges (HTTP dates,
    manifests, remote documents) decide what a missing offset means, not the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (the drivers report it on the cursor)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


@asynccontextmanager
async def migration_lock(
    engine: AsyncEngine, name: str, *, timeout: float = 300.0
) -> AsyncIterator[None]:
    """Be the only one migrating the database behind ``engine`` while inside.

    Processes that start together (``serve`` and ``deliver``, two API processes) would
    otherwise both find the schema old and both create the tables. PostgreSQL: a session
    advisory lock named ``name``, on its own connection (a migration tool may use others).
    SQLite: an exclusive ``flock`` on ``<database>-migrate.lock`` beside the file (a write
    lock on the database itself would shut out the migration's own connection); an in-memory
    database belongs to one process and needs none. ``TimeoutError`` after ``timeout`` s.
    """
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(text(f"SET LOCAL lock_timeout = {int(timeout * 1000)}"))
            try:
                await connection.execute(
                    text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": name}
                )
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                    raise TimeoutError(f"another process kept migrating ({name})") from exc
                raise
            await connection.commit()
            try:
                yield
            finally:
                await connection.execute(
                    text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": name}
                )
                await connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    with open(f"{database}-migrate.lock", "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another process kept migrating {database}") from None
                await asyncio.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
