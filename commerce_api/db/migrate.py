"""Run the Alembic migrations programmatically (no ``alembic.ini`` needed), under the
migration lock (``server_kernel.db.migration_lock``): API processes started together with
``--migrate`` take turns, and the later ones find the schema current.

``migrate(url)`` is for async code such as ``serve --migrate``; Alembic's env.py starts its own
event loop, so it runs in a worker thread. ``upgrade(url)`` is the synchronous entry point.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.pool import NullPool

from server_kernel.db import create_engine, migration_lock

__all__ = ["alembic_config", "migrate", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(url: str, revision: str = "heads") -> None:
    """Bring the database at ``url`` to ``revision`` (every branch head by default)."""
    engine = create_engine(url, poolclass=NullPool)  # also creates a SQLite file's folder
    try:
        async with migration_lock(engine, "commerce_api"):
            await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
    finally:
        await engine.dispose()


def upgrade(url: str, revision: str = "heads") -> None:
    """:func:`migrate` for synchronous callers (the command line)."""
    asyncio.run(migrate(url, revision))
