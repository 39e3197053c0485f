"""Fixtures shared by every part of the suite.

Every database test takes the ``database_url`` fixture, which runs it once on SQLite and once
on PostgreSQL. PostgreSQL is production, so in CI (``CI=true``) an unreachable server fails
the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Server-level URL used to create and drop one throwaway database per test.
POSTGRES_ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _postgres_answers(dsn: str = POSTGRES_ADMIN_DSN) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(dsn)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 1):
            return True
    except OSError:
        return False


def _run_admin(statement: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _require_postgres() -> None:
    if _postgres_answers():
        return
    message = f"PostgreSQL does not answer at {POSTGRES_ADMIN_DSN}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run every database test on PostgreSQL)")
    pytest.skip(message)


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; yields its SQLAlchemy asyncpg URL."""
    _require_postgres()
    name = f"ra_test_{uuid.uuid4().hex[:12]}"
    _run_admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        _run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Run the test once on SQLite and once on PostgreSQL, each on an empty database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    yield request.getfixturevalue("postgres_database")


def free_port() -> int:
    """An unused loopback TCP port for a server process started by a test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60.0
) -> None:
    """Wait until a server process a test started answers 200 at ``url``; fail with the end
    of its ``log`` if it exits first or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-3000:]
            raise AssertionError(f"{proc.args} exited ({proc.returncode}):\n{tail}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    # The caller's fixture never reaches its clean-up: stop the process here, not leave it
    # running after the suite (seen: servers still up hours after a loaded run).
    proc.kill()
    proc.wait()
    raise AssertionError(f"{url} did not answer within {timeout}s:\n{log.read_text()[-3000:]}")
