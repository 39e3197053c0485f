"""Shared helpers for the accounts and OAuth tests: settings with a cheap Argon2 profile, a
migrated database, an in-process client, and the mail outbox."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from commerce_api.app import create_app
from commerce_api.db import Database, migrate
from commerce_api.db.models import OutboxMessage
from commerce_api.settings import Settings
from tests.conftest import REPO_ROOT

PASSWORD = "correct horse battery staple"
#: Argon2id with test-only costs (the production defaults take 64 MiB per hash).
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8 * 1024, "argon2_parallelism": 1}


def make_settings(database_url: str, **changes: Any) -> Settings:
    return Settings(
        database_url=database_url,
        site_url="https://rose-ash.example.coop",
        public_url="http://127.0.0.1:9",
        **{**CHEAP_ARGON2, **changes},
    )


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app in-process over a freshly migrated database."""
    await migrate(settings.database_url)
    async with AsyncTestClient(app=create_app(settings), base_url="http://127.0.0.1:9") as client:
        client.follow_redirects = False  # redirects are what these tests look at
        yield client


async def outbox(database_url: str, to: str | None = None) -> list[OutboxMessage]:
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if to is not None:
                query = query.where(OutboxMessage.to_address == to)
            return list((await session.execute(query)).scalars())
    finally:
        await db.dispose()


def link_in(text: str, path: str) -> str:
    """The first link to ``path`` in an email body."""
    match = re.search(re.escape(path) + r"\?[^\s]+", text)
    assert match, f"no link to {path} in: {text!r}"
    return match.group(0)


def token_in(text: str, path: str) -> str:
    return link_in(text, path).split("token=", 1)[1]


async def register_and_verify(
    client: AsyncTestClient[Any], database_url: str, email: str, password: str = PASSWORD
) -> None:
    response = await client.post("/account/register", json={"email": email, "password": password})
    assert response.status_code == 202, response.text
    mail = (await outbox(database_url, email))[-1]
    token = token_in(mail.body_text, "/auth/verify-email")
    response = await client.post("/account/verify-email", json={"token": token})
    assert response.status_code == 200, response.text


async def sign_in(
    client: AsyncTestClient[Any], email: str, password: str = PASSWORD, **kwargs: Any
) -> dict[str, Any]:
    response = await client.post(
        "/account/signin", json={"email": email, "password": password}, **kwargs
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def cli_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    """Environment for ``python -m commerce_api`` (commands or ``serve``) on ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PUBLIC_"))}
    env.update(
        DATABASE_URL=database_url,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        SITE_URL="https://rose-ash.example.coop",
        SECRET_KEY="test-secret-key-for-the-http-flow",
        EXPIRY_SWEEP_SECONDS="0",
        **{k.upper(): str(v) for k, v in CHEAP_ARGON2.items()},
        **extra,
    )
    return env


def cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run ``python -m commerce_api ARGS`` and return its standard output (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "commerce_api", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
