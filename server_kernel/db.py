"""The database pieces both servers share: constraint names, UTC timestamps, row counts.

Each server keeps its own ``Base`` (its own metadata and Alembic chain); what they must agree
on, so that the two schemas read alike and timestamps mean one thing, lives here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, MetaData, Result
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["NAMING_CONVENTION", "UTCDateTime", "new_metadata", "rows_affected", "utcnow"]

#: Deterministic constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A server's metadata, with the shared naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite forgets the offset).

    A naive datetime is refused rather than guessed: parsers at the edges (HTTP dates,
    manifests, remote documents) decide what a missing offset means, not the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (the drivers report it on the cursor)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)
