"""The synchronous database access Authlib's server runs on (in a worker thread).

Authlib's server core is synchronous, so it gets its own synchronous engine on the same
database: the standard ``sqlite3`` module for SQLite and ``psycopg`` (3) for PostgreSQL, both
through ``server_kernel.db.create_sync_engine`` (the one SQLite policy: WAL, busy timeout,
``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from server_kernel.db import create_sync_engine

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
        # Authlib's calls run in worker threads: SQLite connections may cross threads.
        threads = {"check_same_thread": False} if url.startswith("sqlite") else {}
        self.engine: Engine = create_sync_engine(
            url, pool_size=4, max_overflow=4, connect_args=threads
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

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
