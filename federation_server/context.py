"""What a request handler or a CLI command needs: settings, database, URL minting, HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from federation_server.activitypub.ids import Urls
from federation_server.db.engine import Database
from federation_server.settings import Settings
from federation_server.signatures import PublicKeyInfo


@dataclass
class Context:
    """One instance's shared resources, created by the app lifespan or a CLI command."""

    settings: Settings
    database: Database
    #: Outgoing client for fetching remote actors and keys (SSRF-guarded); set on start.
    http: httpx.AsyncClient | None = None
    #: Signs our GETs of remote documents (servers in "authorized fetch" mode require it).
    fetch_auth: httpx.Auth | None = None
    #: When each remote key was last fetched again after a failed verification.
    key_refreshes: dict[str, float] = field(default_factory=dict)
    #: Remote keys verified recently: key id → (key, monotonic expiry). Saves a query per POST.
    key_cache: dict[str, tuple[PublicKeyInfo, float]] = field(default_factory=dict)
    #: Hosts with delivery failures on record, and when (monotonic) that was last read:
    #: the inbox marks a sender's host available again only when it is in there.
    unhealthy_hosts: set[str] = field(default_factory=set)
    unhealthy_read_at: float = float("-inf")
    #: Set by the inbox when it stored an activity, to wake the inbox processor.
    inbox_wake: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def urls(self) -> Urls:
        return Urls(self.settings.public_url)
