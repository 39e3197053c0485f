"""Fixtures for the commerce API tests: a migrated database (SQLite and PostgreSQL via
``database_url``), an in-process app for HTTP-level tests, and the fake SumUp as a real
process on a loopback port."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from commerce_api.app import create_app
from commerce_api.db import Database, migrate, upgrade
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from commerce_api.fake_sumup import FakeSumUpProcess
from commerce_api.payments import Payments
from commerce_api.settings import Settings
from tests.commerce import catalogs

API_KEY = "sk_test_rose_ash"
MERCHANT = "MTEST1234"


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def fake_sumup_process() -> Iterator[FakeSumUpProcess]:
    """``python -m commerce_api.fake_sumup`` on a free loopback port, once per session (it
    accepts any bearer token, so each test may use its own key)."""
    with FakeSumUpProcess() as fake:
        yield fake


@pytest.fixture
def fake_sumup(fake_sumup_process: FakeSumUpProcess) -> Iterator[FakeSumUpProcess]:
    """The shared fake SumUp; reset (checkouts, faults, envelope) after each test."""
    yield fake_sumup_process
    fake_sumup_process.reset()


def make_settings(database_url: str, sumup_url: str = "", **changes: object) -> Settings:
    base = Settings(
        database_url=database_url,
        site_url="https://rose-ash.example.coop",
        public_url="http://127.0.0.1:9",
        sumup_api_url=sumup_url or "http://127.0.0.1:9",
        sumup_api_key=API_KEY if sumup_url else "",
        sumup_merchant_code=MERCHANT if sumup_url else "",
        sumup_timeout_seconds=3.0,
    )
    return base.with_(**changes) if changes else base


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated by Alembic once; each SQLite test starts from a copy of it."""
    path = tmp_path_factory.mktemp("sqlite_template") / "commerce.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
async def db(database_url: str, sqlite_template: Path) -> AsyncIterator[Database]:
    """A migrated database holding the sample catalogue (Alembic runs on every PostgreSQL
    database; SQLite copies the session's Alembic-built template, which is faster)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        shutil.copyfile(sqlite_template, url.database)
    else:
        await migrate(database_url)
    database = Database(database_url)
    await sync_catalog(database, parse_catalog(catalogs.sample()))
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def client(db: Database, settings: Settings) -> AsyncIterator[AsyncTestClient]:
    """The app in-process, with SumUp not configured (cart and validation tests)."""
    app = create_app(settings, payments=Payments(None))
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
async def sumup_payments(fake_sumup: FakeSumUpProcess) -> AsyncIterator[Payments]:
    """Payments through the real client, talking HTTP to the fake SumUp process."""
    payments = Payments.from_settings(make_settings("sqlite+aiosqlite://", fake_sumup.url))
    try:
        yield payments
    finally:
        await payments.aclose()
