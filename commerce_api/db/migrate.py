"""Run the Alembic migrations programmatically (no ``alembic.ini`` needed).

``upgrade(url)`` is synchronous (Alembic's env.py starts its own event loop); ``migrate(url)``
runs it in a worker thread so async code, such as ``serve --migrate``, can await it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from server_kernel.db import ensure_sqlite_directory

__all__ = ["alembic_config", "migrate", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at ``url`` to ``revision`` (every branch head by default)."""
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


async def migrate(url: str, revision: str = "heads") -> None:
    await asyncio.to_thread(upgrade, url, revision)
