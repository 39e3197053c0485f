"""Fixtures for the federation server's HTTP-level tests (AsyncTestClient, both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from federation_server.app import create_app
from federation_server.context import Context
from federation_server.db.engine import create_database
from federation_server.services.fetch import build_fetch_client
from federation_server.services.inbox_processor import process_pending
from federation_server.settings import Settings
from tests.federation.fixtures import SITE, RemoteActor, RemoteServer

BASE_URL = "http://testserver.local"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env(
        {
            "PUBLIC_URL": BASE_URL,
            "SITE_URL": SITE,
            "DATABASE_URL": database_url,
            "FEDERATION_ACTORS": "blog,events",
            "FEDERATION_ACTOR_BLOG_ICON": f"{SITE}/images/blog.png",
            "FEDERATION_RUN_WORKER": "0",
            "FEDERATION_RUN_INBOX_PROCESSOR": "0",
            "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
            "FEDERATION_PAGE_SIZE": "2",
            "FEDERATION_BLOCKED_DOMAINS": "blocked.example",
        }
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(create_app(settings), base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
async def ctx(client: AsyncTestClient, settings: Settings) -> AsyncIterator[Context]:
    """A Context on the test's own event loop (the test client runs the app on another), over
    the same database the app uses: for calling domain functions directly, such as the
    inbox processor (which the app under test does not run by itself)."""
    database = create_database(settings.database_url)
    context = Context(settings=settings, database=database, http=build_fetch_client(settings))
    try:
        yield context
    finally:
        await context.http.aclose()
        await database.dispose()


@pytest.fixture
def remote() -> Iterator[RemoteServer]:
    with RemoteServer() as server:
        yield server


Send = Callable[..., Awaitable[Any]]


@pytest.fixture
def send(client: AsyncTestClient, ctx: Context) -> Send:
    """POST a signed activity, then let the inbox processor handle what was stored."""

    async def post(
        actor: RemoteActor,
        activity: dict[str, Any],
        url: str = f"{BASE_URL}/actors/blog/inbox",
        **kw: Any,
    ) -> Any:
        body, headers = actor.signed(url, activity, **kw)
        response = await client.post(url.removeprefix(BASE_URL), content=body, headers=headers)
        await process_pending(ctx)
        return response

    return post
