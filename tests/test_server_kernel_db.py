"""The shared engine policy and migration lock (server_kernel.db), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from server_kernel.db import READING, create_engine, create_sync_engine, migration_lock

SCHEMA = (
    "CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))",
    "INSERT INTO counter (id, value) VALUES (1, 0)",
)


async def _engine(url: str) -> AsyncEngine:
    engine = create_engine(url, pool_size=8, max_overflow=8)
    async with engine.begin() as conn:
        for statement in SCHEMA:
            await conn.execute(text(statement))
    return engine


async def test_writers_that_read_first_queue_instead_of_failing(database_url: str):
    """Each writer reads, waits, then writes: on SQLite a deferred transaction would fail to
    upgrade its read lock ("database is locked") once another writer committed."""
    engine = await _engine(database_url)

    async def bump() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT value FROM counter WHERE id = 1"))
            await asyncio.sleep(0.02)
            await conn.execute(text("UPDATE counter SET value = value + 1 WHERE id = 1"))

    try:
        await asyncio.gather(*(bump() for _ in range(6)))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT value FROM counter")) == 6
    finally:
        await engine.dispose()


async def test_a_reader_does_not_wait_for_an_open_write(database_url: str):
    engine = await _engine(database_url)
    try:
        async with engine.begin() as writer:
            await writer.execute(text("UPDATE counter SET value = 41 WHERE id = 1"))
            async with engine.execution_options(**READING).connect() as reader:
                seen = await asyncio.wait_for(
                    reader.scalar(text("SELECT value FROM counter WHERE id = 1")), 5
                )
        assert seen == 0  # the uncommitted write is not visible, and the read did not block
    finally:
        await engine.dispose()


async def test_an_autocommit_statement_is_kept_without_a_commit(database_url: str):
    engine = await _engine(database_url)
    try:
        async with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            await conn.execute(text("UPDATE counter SET value = 7 WHERE id = 1"))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT value FROM counter")) == 7
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced_by_both_engines(database_url: str):
    engine = await _engine(database_url)
    try:
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 99)"))
    finally:
        await engine.dispose()
    url = make_url(database_url)
    driver = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
    sync_url = url.set(drivername=driver[url.get_backend_name()])
    sync = create_sync_engine(sync_url.render_as_string(hide_password=False))
    try:
        with pytest.raises(IntegrityError), sync.begin() as conn:
            conn.execute(text("INSERT INTO child (id, parent_id) VALUES (2, 99)"))
    finally:
        sync.dispose()


async def test_migrations_take_turns(database_url: str):
    """Two processes' worth of migrators: the second starts only after the first is done."""
    engines = [create_engine(database_url), create_engine(database_url)]
    events: list[str] = []

    async def migrate(engine: AsyncEngine, name: str) -> None:
        async with migration_lock(engine, "kernel-test"):
            events.append(f"{name} in")
            await asyncio.sleep(0.2)
            events.append(f"{name} out")

    try:
        await asyncio.gather(migrate(engines[0], "a"), migrate(engines[1], "b"))
        assert events in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
        with pytest.raises(TimeoutError):
            async with (
                migration_lock(engines[0], "kernel-test"),
                migration_lock(engines[1], "kernel-test", timeout=0.3),
            ):
                pass
    finally:
        for engine in engines:
            await engine.dispose()
