"""Wiring the worker to an instance: its settings, its database and a resolver of its keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from federation_server.db.engine import Database
from federation_server.net import guarded_session
from federation_server.settings import Settings

from ._senders import AiohttpSender
from ._worker import Worker

__all__ = ["KeyResolver", "build_worker", "run_worker"]

#: ``key_id -> private key`` for our own actors; the caller supplies it, so delivery knows
#: nothing of where keys are stored.
KeyResolver = Callable[[str], Awaitable[Any]]

#: Seconds a remote inbox gets to answer one delivery.
DELIVERY_TIMEOUT = 30.0


def build_worker(
    settings: Settings, database: Database, key_resolver: KeyResolver, **overrides: Any
) -> Worker:
    """A worker configured from ``settings`` with an SSRF-guarded client of its own.

    Call it inside a running event loop (the aiohttp session belongs to that loop).
    """
    session = guarded_session(
        allow_private_addresses=settings.allow_private_addresses, timeout=DELIVERY_TIMEOUT
    )
    options: dict[str, Any] = {
        "sender": AiohttpSender(session),
        "key_resolver": key_resolver,
        "max_attempts": settings.delivery_max_attempts,
        "retry_base": settings.delivery_retry_base_seconds,
        "poll_seconds": settings.delivery_poll_seconds,
        "user_agent": f"{settings.software_name}/{settings.software_version}",
    }
    options.update(overrides)
    return Worker(database, **options)


async def run_worker(
    settings: Settings,
    database: Database,
    key_resolver: KeyResolver,
    stop: asyncio.Event | None = None,
) -> None:
    """Run a worker until cancelled or ``stop`` is set (``serve`` runs one in-process)."""
    worker = build_worker(settings, database, key_resolver)
    try:
        await worker.run_forever(stop)
    finally:
        await worker.sender.aclose()
