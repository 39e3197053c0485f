"""Headless Chromium (Debian's, never a downloaded one) over a real local stack.

The site is built into a temporary folder with its URLs pointing at loopback servers started
here: a static file server for the build, the commerce API on SQLite (migrated, catalogue
synced) and the fake SumUp, each a real process. Without ``/usr/bin/chromium`` the browser
tests skip locally and fail in CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from commerce_api.fake_sumup import FakeSumUpProcess
from tests.conftest import REPO_ROOT, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _load_serve_stack() -> ModuleType:
    path = REPO_ROOT / "scripts" / "serve_stack.py"
    spec = importlib.util.spec_from_file_location("serve_stack", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve_stack = _load_serve_stack()


def _require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the browser tests")
    pytest.skip(message)


@dataclass(frozen=True)
class Ports:
    site: int
    api: int

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.site}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api}"


@pytest.fixture(scope="package")
def ports() -> Ports:
    return Ports(site=free_port(), api=free_port())


@pytest.fixture(scope="package")
def built_site(tmp_path_factory: pytest.TempPathFactory, ports: Ports) -> Path:
    """The sample content built with its URLs on the loopback servers below."""
    output = tmp_path_factory.mktemp("browser") / "site"
    env = {**os.environ, "SITE_URL": ports.site_url, "COMMERCE_URL": ports.api_url}
    done = subprocess.run(
        [sys.executable, "site/build_site.py", "--content", "content", "--output", str(output)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return output


@pytest.fixture(scope="package")
def catalog(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "_data" / "catalog.json").read_text())


@pytest.fixture(scope="package")
def site_server(built_site: Path, ports: Ports) -> Iterator[str]:
    server = serve_stack.StaticServer(built_site, "127.0.0.1", ports.site).start()
    try:
        yield server.url
    finally:
        server.stop()


def queued_mail(database: Path, to: str) -> list[str]:
    """Bodies of the emails an API process queued for ``to`` in its SQLite outbox, oldest
    first."""
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT body_text FROM mail_outbox WHERE to_address = ? ORDER BY id", (to,)
        ).fetchall()
    return [row[0] for row in rows]


@dataclass(frozen=True)
class Shop:
    api_url: str
    sumup: FakeSumUpProcess
    database: Path
    """The API process's SQLite database."""

    def mail(self, to: str) -> list[str]:
        return queued_mail(self.database, to)


@pytest.fixture(scope="package")
def shop(
    built_site: Path, ports: Ports, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shop]:
    """The commerce API (SQLite, migrated, catalogue synced) and the fake SumUp, as processes."""
    database = tmp_path_factory.mktemp("shop") / "commerce.db"
    with FakeSumUpProcess(port=free_port()) as sumup:
        env = serve_stack.commerce_env(
            database_url=f"sqlite+aiosqlite:///{database}",
            site_url=ports.site_url,
            api_url=ports.api_url,
            sumup_url=sumup.url,
        )
        catalog_file = built_site / "_data" / "catalog.json"
        api = serve_stack.start_commerce_api(env, catalog_file, "127.0.0.1", ports.api)
        try:
            yield Shop(api_url=ports.api_url, sumup=sumup, database=database)
        finally:
            serve_stack.stop_process(api)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Package-scoped on purpose: the sync Playwright API holds an event loop while it runs,
    so it must be closed before the suite's async tests elsewhere start."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page_without_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


_ARTEFACTS: list[Path] = []


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the page screenshots go: ``$RA_ARTEFACTS/screenshots`` or the run's pytest temp
    folder ``artefacts/screenshots`` (printed at the end of the run)."""
    base = os.environ.get("RA_ARTEFACTS")
    root = Path(base) if base else tmp_path_factory.getbasetemp() / "artefacts"
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    _ARTEFACTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in _ARTEFACTS:
        terminalreporter.write_line(f"page screenshots: {folder}")
