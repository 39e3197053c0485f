"""INSERT … ON CONFLICT for both backends: concurrent requests may store the same row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    """The dialect's ``insert`` (which has ``on_conflict_do_*``) for ``table``."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


async def upsert(
    session: AsyncSession, table: Table, values: dict[str, Any], keys: Sequence[str]
) -> None:
    """Insert ``values``, or update the row with the same ``keys`` to them."""
    statement = dialect_insert(session, table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
