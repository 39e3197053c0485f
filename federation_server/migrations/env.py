"""Alembic environment: async engines (aiosqlite, asyncpg), run programmatically.

``federation_server.db.migrate`` either hands over an open connection through
``config.attributes["connection"]`` or sets ``sqlalchemy.url`` and lets this file make the
engine itself.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

import federation_server.db.models  # noqa: F401  (registers the tables on Base.metadata)
from federation_server.db.base import Base
from federation_server.db.migrate import import_model_modules
from server_kernel.db import create_engine

import_model_modules()
config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))


if context.is_offline_mode():
    run_offline()
else:
    run_online()
