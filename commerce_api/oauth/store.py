"""The synchronous database access Authlib's server runs on (in a worker thread).

Authlib's server core is synchronous, so it gets its own synchronous engine on the same
database: the standard ``sqlite3`` module for SQLite (configured like the async engine: WAL,
busy timeout, ``BEGIN IMMEDIATE``) and ``psycopg`` (3) for PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["SyncStore", "current_session", "sync_url"]

_current: ContextVar[Session | None] = ContextVar("oauth_sync_session", default=None)


def sync_url(async_url: str) -> str:
    url = make_url(async_url)
    driver = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
    return url.set(drivername=driver[url.get_backend_name()]).render_as_string(hide_password=False)


def current_session() -> Session:
    """The session of the Authlib call running in this thread."""
    session = _current.get()
    if session is None:
        raise RuntimeError("no OAuth storage session: call through SyncStore.session()")
    return session


class SyncStore:
    def __init__(self, async_url: str) -> None:
        url = sync_url(async_url)
        kwargs: dict[str, Any] = {}
        is_sqlite = url.startswith("sqlite")
        if is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs.update(pool_size=4, max_overflow=4)
        self.engine: Engine = create_engine(url, **kwargs)
        if is_sqlite:
            self._configure_sqlite()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _configure_sqlite(self) -> None:
        @event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(self.engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction for one Authlib call, visible through :func:`current_session`;
        committed when the call returns (error responses included: a replayed code's
        revocation must stick), rolled back on an unexpected exception."""
        with self._sessions() as session, session.begin():
            token = _current.set(session)
            try:
                yield session
            finally:
                _current.reset(token)

    def dispose(self) -> None:
        self.engine.dispose()
