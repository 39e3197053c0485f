"""Dependencies handlers declare by name: ``settings``, ``db``, ``sumup``.

They come from ``app.state``, filled once by :func:`commerce_api.app.create_app`'s lifespan,
so a handler signature like ``async def f(db: Database, settings: Settings)`` is all it takes.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide

from commerce_api.db import Database
from commerce_api.payments import Payments
from commerce_api.settings import Settings

__all__ = ["dependencies"]


def _settings(state: State) -> Settings:
    return state.settings


def _db(state: State) -> Database:
    return state.db


def _payments(state: State) -> Payments:
    return state.payments


dependencies = {
    "settings": Provide(_settings, sync_to_thread=False),
    "db": Provide(_db, sync_to_thread=False),
    "payments": Provide(_payments, sync_to_thread=False),
}
