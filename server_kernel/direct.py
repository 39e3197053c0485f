"""One Core statement sent straight to asyncpg (PostgreSQL), compiled once by SQLAlchemy.

Both servers send their hottest single statements this way (commerce's ``Database.read`` and
``write``, the federation inbox's insert).

Why: SQLAlchemy's execute path (execution context, events, result objects) costs about
0.2 ms of CPU per statement on top of asyncpg's own 0.07 ms, and the hot requests are one
statement each. The SQL is still SQLAlchemy's (compiled for the asyncpg dialect, with the same
``$1::VARCHAR`` casts it would send, bind processors applied), and the connection still comes
from the engine's pool; only the execution skips SQLAlchemy.

A statement qualifies when its compiled form is fixed (no ``IN`` list expanded at execution
time, no Python-side column defaults) and none of its result columns needs a result
processor on this dialect (``UTCDateTime`` does); any other statement goes through
SQLAlchemy as before (:func:`plan_of` answers ``None``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import CursorResult, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import greenlet_spawn

__all__ = ["DirectRow", "Plan", "all_rows", "execute_one", "plan_of", "run"]


class DirectRow(asyncpg.Record):
    """asyncpg's row, also read by attribute as SQLAlchemy's ``Row`` is (``row.item_id``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Plan:
    """A statement compiled for asyncpg: its SQL and how to order and process its values."""

    sql: str
    compiled: SQLCompiler
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(dict(params))
        return [
            value if process is None else process(value)
            for value, process in zip((values[n] for n in self.names), self.processors, strict=True)
        ]


_SEEN = "seen once"
_NOT_DIRECT = "through SQLAlchemy"
_plans: weakref.WeakKeyDictionary[Executable, Plan | str] = weakref.WeakKeyDictionary()


def plan_of(statement: Executable, dialect: Dialect) -> Plan | None:
    """The statement's plan, or ``None`` when it goes through SQLAlchemy: always when it does
    not qualify (see the module docstring), and the first time a statement object is seen. A
    statement built anew for each call is never seen twice, so it is never compiled here
    (SQLAlchemy's own cache serves it); a module's statement is compiled on its second use
    and kept while the statement lives."""
    if dialect.driver != "asyncpg":
        return None
    plan = _plans.get(statement)
    if plan is None:
        _plans[statement] = _SEEN
        return None
    if plan == _SEEN:
        plan = _plans[statement] = _compile(statement, dialect) or _NOT_DIRECT
    return plan if isinstance(plan, Plan) else None


def _compile(statement: Executable, dialect: Dialect) -> Plan | None:
    if not isinstance(statement, ClauseElement):
        return None
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        return None
    binds = compiled.binds
    if any(bind.expanding or bind.literal_execute for bind in binds.values()):
        return None
    if compiled.insert_prefetch or compiled.update_prefetch:
        return None
    columns = getattr(statement, "exported_columns", ())
    if any(col.type.dialect_impl(dialect).result_processor(dialect, None) for col in columns):
        return None
    names = tuple(compiled.positiontup)
    processors = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    return Plan(str(compiled), compiled, names, processors)


async def run(engine: AsyncEngine, plan: Plan, params: Mapping[str, Any]) -> Sequence[Any]:
    """Run ``plan`` on a connection from ``engine``'s pool, outside any transaction (the
    statement commits by itself). An error PostgreSQL reports about the statement (a
    constraint, say) is raised as asyncpg's ``PostgresError`` and leaves the connection fit for
    use; after any other failure (a dropped connection, a server shutting down, a cancelled
    request) the connection is invalidated: the pool closes it instead of handing it out
    again, and a broken connection is raised as ``ConnectionError`` (503).

    The pooled connection is taken and given back without an ``AsyncConnection`` around it
    (a greenlet switch less; giving it back may close it, which awaits)."""
    raw = await engine.raw_connection()
    try:
        driver: asyncpg.Connection = raw.driver_connection
        return await driver.fetch(plan.sql, *plan.arguments(params), record_class=DirectRow)
    except asyncpg.PostgresError as exc:
        if str(exc.sqlstate or "")[:2] not in _CONNECTION_GONE:
            raise
        await greenlet_spawn(raw.invalidate)
        raise ConnectionError(f"the database went away: {exc}") from exc
    except (OSError, asyncpg.InterfaceError, asyncpg.InternalClientError) as exc:
        # The connection broke under us ("connection is closed", or, right after the server
        # ended it, "another operation is in progress"): 503, not a 500.
        await greenlet_spawn(raw.invalidate)
        raise ConnectionError(f"the database connection failed: {exc}") from exc
    except BaseException:
        await greenlet_spawn(raw.invalidate)
        raise
    finally:
        await greenlet_spawn(raw.close)


#: SQLSTATE classes of a connection PostgreSQL ended (08: connection exception; 57: operator
#: intervention, e.g. an administrator's shutdown): the connection is dropped and the caller
#: gets a ``ConnectionError``, which ``server_kernel.problems`` answers 503.
_CONNECTION_GONE = ("08", "57")


async def execute_one(
    engine: AsyncEngine, fallback: AsyncEngine, statement: Executable, params: Mapping[str, Any]
) -> Sequence[Any]:
    """One statement outside any transaction, and its rows (none when it returns none): on
    PostgreSQL straight to asyncpg once it qualifies (:func:`plan_of`), else through
    SQLAlchemy on a connection of ``fallback`` (``engine`` with the caller's execution
    options: autocommit, or SQLite's deferred reads)."""
    plan = plan_of(statement, engine.dialect)
    if plan is not None:
        return await run(engine, plan, params)
    async with fallback.connect() as conn:
        return all_rows(await conn.execute(statement, dict(params)))


def all_rows(result: CursorResult[Any]) -> Sequence[Any]:
    """The rows of a SQLAlchemy result; none for a statement that returns none."""
    return result.all() if result.returns_rows else []
