"""Wiring the worker to an instance: its settings, its database and its actors' keys."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from federation_server.db.engine import Database
from federation_server.net import guarded_session
from federation_server.settings import Settings

from ._senders import AiohttpSender
from ._worker import Worker

__all__ = ["build_worker", "local_key_resolver", "run_worker"]

#: Seconds a remote inbox gets to answer one delivery.
DELIVERY_TIMEOUT = 30.0


def local_key_resolver(settings: Settings, database: Database) -> Any:
    """``key_id -> private key`` for our own actors (``<actor>#main-key``)."""
    from federation_server.activitypub.ids import Urls
    from federation_server.db.models import LocalActor
    from federation_server.services.actors import private_key_of

    urls = Urls(settings.public_url)

    async def resolve(key_id: str) -> Any:
        name = urls.local_actor_name(key_id.split("#", 1)[0])
        if name is None:
            raise LookupError(f"{key_id} is not one of our keys")
        async with database.session() as session:
            actor = await session.scalar(select(LocalActor).where(LocalActor.name == name))
        if actor is None:
            raise LookupError(f"no local actor {name!r}")
        return private_key_of(actor, settings)

    return resolve


def build_worker(settings: Settings, database: Database, **overrides: Any) -> Worker:
    """A worker configured from ``settings`` with an SSRF-guarded client of its own.

    Call it inside a running event loop (the aiohttp session belongs to that loop).
    """
    session = guarded_session(
        allow_private_addresses=settings.allow_private_addresses, timeout=DELIVERY_TIMEOUT
    )
    options: dict[str, Any] = {
        "sender": AiohttpSender(session),
        "key_resolver": local_key_resolver(settings, database),
        "max_attempts": settings.delivery_max_attempts,
        "retry_base": settings.delivery_retry_base_seconds,
        "poll_seconds": settings.delivery_poll_seconds,
        "user_agent": f"{settings.software_name}/{settings.software_version}",
    }
    options.update(overrides)
    return Worker(database, **options)


async def run_worker(
    settings: Settings, database: Database, stop: asyncio.Event | None = None
) -> None:
    """Run a worker until cancelled or ``stop`` is set (``serve`` runs one in-process)."""
    worker = build_worker(settings, database)
    try:
        await worker.run_forever(stop)
    finally:
        await worker.sender.aclose()
