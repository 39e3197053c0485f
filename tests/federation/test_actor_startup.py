"""Several server processes start at once on one database (docs/deploy.md): each creates the
configured actors it finds missing, and none of them fails because another was quicker."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from federation_server.context import Context
from federation_server.db.engine import create_database
from federation_server.db.migrate import upgrade_engine
from federation_server.db.models import LocalActor
from federation_server.services.actors import ensure_local_actors
from federation_server.settings import Settings


async def test_processes_starting_together_each_end_with_the_same_actors(
    database_url: str,
) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": database_url, "FEDERATION_ACTORS": "blog,events,market"}
    )
    databases = [create_database(database_url) for _ in range(3)]
    try:
        await upgrade_engine(databases[0].engine)
        await asyncio.gather(
            *(ensure_local_actors(Context(settings=settings, database=db)) for db in databases)
        )
        async with databases[0].session() as session:
            rows = (await session.scalars(select(LocalActor))).all()
        assert sorted(row.name for row in rows) == ["blog", "events", "market"]
        # A later start keeps the keys the first one made.
        keys = {row.name: row.public_key_pem for row in rows}
        await ensure_local_actors(Context(settings=settings, database=databases[1]))
        async with databases[0].session() as session:
            again = (await session.scalars(select(LocalActor))).all()
        assert {row.name: row.public_key_pem for row in again} == keys
    finally:
        for db in databases:
            await db.dispose()
