"""Run the Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from server_kernel.db import migration_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: Modules whose tables live on ``Base``; optional ones (not yet present) are skipped.
MODEL_MODULES = ("federation_server.db.models", "federation_server.delivery.models")


def import_model_modules() -> None:
    """Import every module that declares tables so ``Base.metadata`` is complete."""
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade_with(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade_engine(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the database behind ``engine`` to ``revision`` (all heads by default), under the
    migration lock: a ``serve`` and a ``deliver`` starting together do not both create the
    tables."""
    async with migration_lock(engine, "federation_server"), engine.begin() as connection:
        await connection.run_sync(_upgrade_with, revision)


def upgrade(url: str, revision: str = "heads") -> None:
    """Synchronous entry point for the CLI: migrate the database at ``url``."""
    from federation_server.db.engine import create_database

    async def run() -> None:
        database = create_database(url)
        try:
            await upgrade_engine(database.engine, revision)
        finally:
            await database.dispose()

    asyncio.run(run())
