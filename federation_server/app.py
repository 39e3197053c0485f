"""Litestar application factory: routes, the single error handler and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, get
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig

from federation_server.context import Context
from federation_server.db.engine import create_database
from federation_server.db.migrate import upgrade_engine
from federation_server.delivery import run_worker
from federation_server.errors import EXCEPTION_HANDLERS
from federation_server.head import head_as_get
from federation_server.openapi import completed_openapi
from federation_server.routes import ROUTE_HANDLERS
from federation_server.services.actors import (
    ensure_local_actors,
    fetch_signer,
    local_key_resolver,
)
from federation_server.services.fetch import build_fetch_client
from federation_server.services.inbox_processor import run_inbox_processor
from federation_server.settings import Settings, get_settings


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    """Liveness probe (also the baseline the inbox benchmark compares against)."""
    return {"status": "ok"}


def context_of(request: Request[Any, Any, Any]) -> Context:
    return request.app.state["ctx"]


async def _start(app: Litestar, settings: Settings) -> Context:
    database = create_database(settings.database_url)
    if settings.migrate_on_start:
        await upgrade_engine(database.engine)
    ctx = Context(settings=settings, database=database)
    await ensure_local_actors(ctx)
    ctx.http = build_fetch_client(settings)
    ctx.fetch_auth = await fetch_signer(ctx)
    app.state["ctx"] = ctx
    return ctx


def _start_worker(ctx: Context) -> asyncio.Task[None]:
    """Run the delivery worker in-process (``serve --no-worker`` leaves it to ``deliver``)."""
    resolver = local_key_resolver(ctx.settings, ctx.database)
    return asyncio.create_task(run_worker(ctx.settings, ctx.database, resolver))


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI app for ``settings`` (the environment's by default)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        ctx = await _start(app, settings)
        tasks = []
        if settings.run_worker:
            tasks.append(_start_worker(ctx))
        if settings.run_inbox_processor:
            tasks.append(asyncio.create_task(run_inbox_processor(ctx)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if ctx.http is not None:
                await ctx.http.aclose()
            await ctx.database.dispose()

    app = Litestar(
        route_handlers=[health, *ROUTE_HANDLERS],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies={"ctx": Provide(context_of, sync_to_thread=False)},
        cors_config=CORSConfig(allow_origins=["*"], allow_methods=["GET"], allow_headers=["*"]),
        openapi_config=OpenAPIConfig(
            title="Rose Ash federation server",
            version="1.0.0",
            description="WebFinger, actors, collections, objects and the inboxes. Errors are "
            "RFC 9457 problems (application/problem+json); a deleted object is its Tombstone.",
            path="/schema",
            render_plugins=[completed_openapi()],
        ),
        debug=False,
    )
    app.asgi_handler = head_as_get(app.asgi_handler)
    return app
