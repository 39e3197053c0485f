"""The federation migrations build exactly the schema the models describe, on both databases.

Constraint names come from the naming convention the servers share (server_kernel.db); the
names the first migrations gave are kept, so a database made by them needs no new migration.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import federation_server.db.models
import federation_server.delivery.models  # noqa: F401
from federation_server.db.base import Base
from federation_server.db.engine import create_database
from federation_server.db.migrate import upgrade_engine


def _drift(connection: Any) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    database = create_database(database_url)
    try:
        await upgrade_engine(database.engine)
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_drift) == []
    finally:
        await database.dispose()
