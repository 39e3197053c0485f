"""How one process learns that another changed a cart, so its kept answers (``_cache``) go.

PostgreSQL: LISTEN/NOTIFY on one dedicated connection per process. A process that changed
carts sends their ids (``pg_notify``, batched) right after its transaction commits; every
other process drops those answers when the notification arrives, well within a second. The
same connection proves it is alive every ``PING_SECONDS``; answers are served only while it
answered within ``LIVE_SECONDS`` (so a connection that hangs silently stops them within a
second too), and when it drops the cache is emptied and the process listens again.

Why after the commit and not inside the writer's transaction (a trigger, say): PostgreSQL
takes one database-wide lock from a notifying transaction's pre-commit until its commit is
flushed, so notifying writers commit one at a time. Measured with pgbench on the
existing-cart add (32 clients): about 2,500 transactions/s without, about 400/s with a
``pg_notify`` trigger on ``cart_lines``, and 1,950-2,000/s with the notification sent as its
own statement afterwards (a transaction that wrote nothing else needs no flush). Here it is
not even on the request's path: the watch sends it in the background. The cost: a process
killed between its commit and the send leaves other processes' answers for those carts
stale until the cart changes again or is evicted.

SQLite: ``PRAGMA data_version`` on a connection of its own: it changes whenever any other
connection, in this process or another (``serve --workers N``, the ``expire`` command),
commits anything to the file. An answer is served only while it is unchanged since the
answer was read, so every write drops every answer: exact and cheap (about 4 µs), and
SQLite is the small installation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from commerce_api.db import Database
from commerce_api.domain.cart._cache import CartCache, cart_cache_of
from server_kernel import run_periodically
from server_kernel.db import create_engine

__all__ = [
    "APPLICATION_NAME",
    "CHANNEL",
    "LIVE_SECONDS",
    "PING_SECONDS",
    "PostgresWatch",
    "SqliteWatch",
    "watch_carts",
]

log = logging.getLogger(__name__)

CHANNEL = "ra_cart_changed"
APPLICATION_NAME = "rose-ash cart watch"
"""How the listening connection shows in ``pg_stat_activity``."""
PING_SECONDS = 0.25
"""How often the listening connection is asked to answer when nothing else was sent."""
LIVE_SECONDS = 1.0
"""Answers are served only while the connection answered within this time."""
RETRY_SECONDS = 1.0
_PAYLOAD_BYTES = 7000  # NOTIFY takes at most 8000 bytes


class SqliteWatch:
    """``PRAGMA data_version`` on a connection that never writes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def stamp(self) -> object | None:
        try:
            if self._conn is None:  # opened once the file exists (read-write, never created)
                uri = Path(self.path).absolute().as_uri() + "?mode=rw"
                self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def announce(self, cart_ids: Iterable[int]) -> None:
        """Nothing to send: the data version tells every process."""

    async def aclose(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _payloads(cart_ids: Iterable[int]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for cart_id in sorted(cart_ids):
        text = str(cart_id)
        if chunk and size + len(text) + 1 > _PAYLOAD_BYTES:
            yield ",".join(chunk)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        yield ",".join(chunk)


class PostgresWatch:
    """One LISTEN connection: hears other processes' changes, sends this process's."""

    def __init__(
        self, db: Database, cache: CartCache, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.cache = cache
        self.clock = clock
        self._engine = create_engine(
            db.url,
            poolclass=NullPool,
            connect_args={"server_settings": {"application_name": APPLICATION_NAME}},
        )
        self._pending: set[int] = set()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._generation = 0
        self._alive_at: float | None = None
        self._pid: int | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Listen until :meth:`aclose`; a lost connection is logged and, after
        ``RETRY_SECONDS``, listened on again (the cache is off meanwhile)."""
        listening = run_periodically(
            self._listen_once, every=RETRY_SECONDS, name="cart watch", logger=log, stop=self._stop
        )
        self._task = asyncio.create_task(listening, name="cart watch")

    def stamp(self) -> object | None:
        alive = self._alive_at
        if alive is None or self.clock() - alive > LIVE_SECONDS:
            return None
        return self._generation

    def announce(self, cart_ids: Iterable[int]) -> None:
        self._pending.update(cart_ids)
        self._wake.set()

    def _heard(self, _conn: Any, pid: int, _channel: str, payload: str) -> None:
        if pid == self._pid:
            return  # our own, dropped when it was made
        try:
            ids = [int(part) for part in payload.split(",") if part]
        except ValueError:
            self.cache.clear()
            return
        self.cache.drop(ids)

    def _lost(self) -> None:
        self._alive_at = None
        self._generation += 1
        self.cache.clear()

    async def _listen_once(self) -> None:
        try:
            await self._listen()
        finally:
            self._lost()

    async def _listen(self) -> None:
        async with self._engine.connect() as outer:
            conn = (await outer.get_raw_connection()).driver_connection
            assert conn is not None
            dropped = asyncio.Event()

            def closed(_conn: Any) -> None:
                dropped.set()
                self._wake.set()

            conn.add_termination_listener(closed)
            await conn.add_listener(CHANNEL, self._heard)
            self._pid = conn.get_server_pid()
            # Anything read before we listened may have missed a change: start afresh.
            self._lost()
            while not dropped.is_set():
                asked_at = self.clock()
                await self._send(conn)
                self._alive_at = asked_at
                if self._stop.is_set():
                    return
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), PING_SECONDS)
            raise ConnectionError("the listening connection closed")

    async def _send(self, conn: Any) -> None:
        """Send what changed here (or a ping): its answer also proves we still hear."""
        ids, self._pending = self._pending, set()
        try:
            if not ids:
                await conn.fetchval("SELECT 1", timeout=LIVE_SECONDS)
            for payload in _payloads(ids):
                await conn.fetchval(
                    "SELECT pg_notify($1, $2)", CHANNEL, payload, timeout=LIVE_SECONDS
                )
        except BaseException:
            self._pending |= ids  # sent again once listening again
            raise

    async def aclose(self) -> None:
        """Send what is still pending (for up to two seconds), then stop."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError):  # wait_for cancels it then
                await asyncio.wait_for(self._task, 2.0)
        await self._engine.dispose()


@contextlib.asynccontextmanager
async def watch_carts(db: Database) -> AsyncIterator[CartCache]:
    """Keep answers for ``db``'s carts while inside (``serve``, and the commands, which send
    their changes on the way out). An in-memory SQLite database belongs to one connection,
    so it gets no watch and keeps nothing."""
    cache = cart_cache_of(db)
    watch: PostgresWatch | SqliteWatch
    if not db.is_sqlite:
        watch = PostgresWatch(db, cache)
        watch.start()
    else:
        path = make_url(db.url).database
        if path in (None, "", ":memory:"):
            yield cache
            return
        watch = SqliteWatch(path)
    cache.watch = watch
    try:
        yield cache
    finally:
        cache.watch = None
        cache.clear()
        await watch.aclose()
