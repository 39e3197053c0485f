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


# --- the job queue's claim (server_kernel.jobs) ----------------------------------------------

from datetime import UTC, datetime, timedelta  # noqa: E402

from sqlalchemy import Integer, String  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column  # noqa: E402

from server_kernel.db import UTCDateTime, new_metadata  # noqa: E402
from server_kernel.jobs import backoff, claim_due, lease_free  # noqa: E402


class _Base(DeclarativeBase):
    metadata = new_metadata()


class Job(_Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    done: Mapped[bool] = mapped_column(default=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(20), nullable=True)


async def test_workers_claim_each_due_job_once_until_its_lease_runs_out(database_url: str):
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        await conn.execute(Job.__table__.insert(), [{"id": i, "done": i == 0} for i in range(40)])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)

    async def claim(worker: str, at: datetime) -> list[int]:
        async with sessions() as session, session.begin():
            rows = await claim_due(
                session,
                Job.id,
                due=(Job.done.is_(False),),
                free=lease_free(Job.lease_until, at),
                lease={"lease_until": at + timedelta(seconds=60), "worker": worker},
                returning=(Job.id,),
                order_by=(Job.id,),
                limit=7,
            )
            await asyncio.sleep(0.01)  # hold the claim open while the others try
            return [row.id for row in rows]

    try:
        claims = await asyncio.gather(*(claim(f"w{n}", now) for n in range(8)))
        taken = [job for jobs in claims for job in jobs]
        assert sorted(taken) == list(range(1, 40))  # every due job, none twice, not the done one
        assert await claim("late", now + timedelta(seconds=30)) == []  # leases still held
        assert await claim("late", now + timedelta(seconds=61)) == list(range(1, 8))
    finally:
        await engine.dispose()


def test_backoff_doubles_up_to_its_cap():
    waits = [backoff(n, first=30, cap=3600).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
