"""The OAuth provider of one process (``app.state.oauth``): the Authlib bridge, built on
first use, and the lifespan that prepares the ID-token signing key at start-up.

OAuth depends on identity (it signs in members through their sessions), never the reverse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.exc import DBAPIError

from commerce_api.db import Database
from commerce_api.oauth.bridge import OAuthBridge
from commerce_api.oauth.keys import ensure_signing_key
from commerce_api.oauth.server import OAuthServer
from commerce_api.oauth.store import SyncStore
from commerce_api.settings import Settings

__all__ = ["OAuthDep", "OAuthProvider", "oauth_dependencies", "oauth_lifespan"]

log = logging.getLogger(__name__)


@dataclass
class OAuthProvider:
    settings: Settings
    db: Database
    _bridge: OAuthBridge | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def bridge(self) -> OAuthBridge:
        """The OAuth bridge, built on first use (its synchronous engine is only opened when
        a client needs it)."""
        if self._bridge is None:
            async with self._lock:
                if self._bridge is None:
                    await ensure_signing_key(self.db)  # normally done at start-up
                    server = OAuthServer(self.settings)
                    self._bridge = OAuthBridge(server, SyncStore(self.settings.database_url))
        return self._bridge

    async def prepare_signing_key(self) -> None:
        """Create the first ID-token signing key at start-up (not in a member's first
        sign-in). A database that is not migrated yet only gets a warning: ``migrate`` comes
        first."""
        try:
            await ensure_signing_key(self.db)
        except DBAPIError:
            log.warning("no OAuth signing key table yet: run `python -m commerce_api migrate`")

    def close(self) -> None:
        if self._bridge is not None:
            self._bridge.store.dispose()


@asynccontextmanager
async def oauth_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Runs after the core lifespan (it needs ``app.state.db``)."""
    provider = OAuthProvider(app.state.settings, app.state.db)
    app.state.oauth = provider
    await provider.prepare_signing_key()
    try:
        yield
    finally:
        provider.close()


def _oauth(request: Request[Any, Any, Any]) -> OAuthProvider:
    return request.app.state.oauth


oauth_dependencies = {"oauth": Provide(_oauth, sync_to_thread=False)}
OAuthDep = NamedDependency[OAuthProvider]
