"""INSERT … ON CONFLICT for both backends: concurrent requests may store the same row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause, TableClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: FromClause) -> Any:
    """The dialect's ``insert`` (which has ``on_conflict_do_*``) for ``table`` (a model's
    ``__table__``)."""
    if not isinstance(table, TableClause):
        raise TypeError(f"{table!r} is not a table")
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def upsert(
    session: AsyncSession, table: FromClause, values: dict[str, Any], keys: Sequence[str]
) -> None:
    """Insert ``values``, or update the row with the same ``keys`` to them."""
    statement = dialect_insert(session, table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
