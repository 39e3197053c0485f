"""Fetching remote actors and keys (over the SSRF-guarded client) and caching them.

``KeyResolver`` is the ``key_lookup`` the signature verifier calls. It follows ``owner``
when the key document is a stub (GoToSocial), and insists the owner's actor document lists
that key. What it fetched is only written to the database by ``persist()``, which the inbox
calls after the request was accepted: nothing is stored from a rejected request.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urldefrag

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.ids import domain_of, id_of
from federation_server.activitypub.jsonld import AP_CONTENT_TYPE, LD_PROFILE
from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.models import RemoteActor, RemoteKey
from federation_server.db.upsert import upsert
from federation_server.signatures import PublicKeyInfo

ACCEPT = f"{AP_CONTENT_TYPE}, {LD_PROFILE}"
MAX_DOCUMENT_BYTES = 1_000_000


class FetchError(Exception):
    """A remote document could not be fetched or is not usable (``status``: the HTTP
    status when the server answered with something other than 200)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ActorEndpoints:
    uri: str
    inbox: str
    shared_inbox: str | None


def endpoints_of(document: dict[str, Any]) -> ActorEndpoints | None:
    """Inbox and shared inbox of an actor document, when it has an inbox."""
    uri, inbox = id_of(document), id_of(document.get("inbox"))
    if not uri or not inbox:
        return None
    endpoints = document.get("endpoints")
    shared = id_of(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    return ActorEndpoints(uri=uri, inbox=inbox, shared_inbox=shared)


def keys_in(document: dict[str, Any]) -> list[dict[str, Any]]:
    keys = document.get("publicKey")
    if isinstance(keys, dict):
        return [keys]
    if isinstance(keys, list):
        return [k for k in keys if isinstance(k, dict)]
    return []


async def fetch_document(ctx: Context, url: str) -> dict[str, Any]:
    """GET an ActivityPub document (at most 1 MB of JSON) through the guarded client."""
    if ctx.http is None:
        raise FetchError("no outgoing HTTP client")
    if ctx.settings.is_blocked(domain_of(url)):
        raise FetchError(f"{domain_of(url)} is blocked")
    try:
        request = ctx.http.stream(
            "GET", url, headers={"Accept": ACCEPT}, auth=ctx.fetch_auth or httpx.USE_CLIENT_DEFAULT
        )
        async with request as response:
            if response.status_code != 200:
                raise FetchError(f"GET {url} answered {response.status_code}", response.status_code)
            final_url = str(response.url)
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise FetchError(f"GET {url} is larger than 1 MB")
    except httpx.HTTPError as exc:
        raise FetchError(f"GET {url} failed: {type(exc).__name__}") from exc
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise FetchError(f"GET {url} is not JSON") from exc
    if not isinstance(document, dict):
        raise FetchError(f"GET {url} is not a JSON object")
    claimed = id_of(document)
    if claimed is not None and domain_of(claimed) != domain_of(final_url):
        raise FetchError(f"GET {url} returned a document claiming to be {claimed}")
    return document


@dataclass
class KeyResolver:
    """``key_lookup`` for ``verify_request``: DB cache first, then the network."""

    ctx: Context
    fetched_keys: dict[str, PublicKeyInfo] = field(default_factory=dict)
    fetched_actors: dict[str, ActorEndpoints] = field(default_factory=dict)
    #: Documents that answered 410 Gone while looking for a key (a deleted actor's).
    gone: set[str] = field(default_factory=set)

    async def __call__(self, key_id: str, *, refresh: bool = False) -> PublicKeyInfo | None:
        if key_id in self.fetched_keys:
            return self.fetched_keys[key_id]  # fetched moments ago, in this request
        remembered = self._remembered(key_id)
        if not refresh:
            cached = remembered or await self._cached(key_id)
            if cached is not None:
                return cached
            return await self._fetch(key_id)
        if remembered is not None:
            # Another process may have stored a newer key (an actor Update) meanwhile.
            stored = await self._cached(key_id)
            if stored is not None and stored.pem != remembered.pem:
                return stored
        if not self._may_refresh(key_id):
            return None
        return await self._fetch(key_id)

    def _remembered(self, key_id: str) -> PublicKeyInfo | None:
        entry = self.ctx.key_cache.get(key_id)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def _may_refresh(self, key_id: str) -> bool:
        """Fetch a key again after a failure at most once per ``key_refresh_seconds``
        (as Mastodon does), so bad signatures cannot make us hammer a server."""
        now = time.monotonic()
        last = self.ctx.key_refreshes.get(key_id)
        if last is not None and now - last < self.ctx.settings.key_refresh_seconds:
            return False
        if len(self.ctx.key_refreshes) > 10_000:
            self.ctx.key_refreshes.clear()
        self.ctx.key_refreshes[key_id] = now
        return True

    async def _cached(self, key_id: str) -> PublicKeyInfo | None:
        horizon = utcnow() - timedelta(seconds=self.ctx.settings.key_cache_seconds)
        async with self.ctx.database.reading() as session:
            row = await session.get(RemoteKey, key_id)
        if row is None or row.fetched_at < horizon:
            return None
        info = PublicKeyInfo(pem=row.public_key_pem, owner=row.owner)
        remember_key(self.ctx, key_id, info)
        return info

    async def fetch(self, url: str) -> dict[str, Any]:
        """GET ``url``, remembering in ``gone`` when it answered 410."""
        try:
            return await fetch_document(self.ctx, url)
        except FetchError as exc:
            if exc.status == 410:
                self.gone.add(url)
            raise

    async def _fetch(self, key_id: str) -> PublicKeyInfo | None:
        document = await self.fetch(urldefrag(key_id).url)
        key = next((k for k in keys_in(document) if k.get("id") == key_id), None)
        if key is None and document.get("id") == key_id and len(keys_in(document)) == 1:
            key = keys_in(document)[0]  # keyId is the actor itself, which has one key
        if key is None and document.get("id") == key_id and document.get("owner"):
            # A stub key document: the actor named by ``owner`` must list this key.
            owner = id_of(document.get("owner"))
            if not owner:
                return None
            document = await self.fetch(owner)
            key = next((k for k in keys_in(document) if k.get("id") == key_id), None)
        if key is None or not isinstance(key.get("publicKeyPem"), str):
            return None
        owner = id_of(key.get("owner")) or id_of(document)
        if owner is None or owner != id_of(document) or domain_of(owner) != domain_of(key_id):
            # An actor may only vouch for keys on its own host, and only for itself.
            return None
        info = PublicKeyInfo(pem=key["publicKeyPem"], owner=owner)
        self.fetched_keys[key_id] = info
        endpoints = endpoints_of(document)
        if endpoints is not None:
            self.fetched_actors[endpoints.uri] = endpoints
        return info

    async def persist(self, session: AsyncSession) -> None:
        """Add what was fetched to ``session`` (called once the request was accepted)."""
        for key_id, info in self.fetched_keys.items():
            remember_key(self.ctx, key_id, info)
            await save_key(session, key_id, info)
        for endpoints in self.fetched_actors.values():
            await save_actor(session, endpoints)


#: How long a verified key is trusted from memory before the database is asked again.
MEMORY_KEY_SECONDS = 300.0


def remember_key(ctx: Context, key_id: str, info: PublicKeyInfo) -> None:
    """Keep a key in this process's memory (bounded) for the next requests."""
    if len(ctx.key_cache) > 50_000:
        ctx.key_cache.clear()
    ttl = min(MEMORY_KEY_SECONDS, float(ctx.settings.key_cache_seconds))
    ctx.key_cache[key_id] = (info, time.monotonic() + ttl)


async def save_key(session: AsyncSession, key_id: str, info: PublicKeyInfo) -> None:
    values = {
        "key_id": key_id,
        "owner": info.owner,
        "public_key_pem": info.pem,
        "fetched_at": utcnow(),
    }
    await upsert(session, RemoteKey.__table__, values, ["key_id"])


async def save_actor(session: AsyncSession, endpoints: ActorEndpoints) -> None:
    values = {
        "uri": endpoints.uri,
        "inbox": endpoints.inbox,
        "shared_inbox": endpoints.shared_inbox,
        "fetched_at": utcnow(),
    }
    await upsert(session, RemoteActor.__table__, values, ["uri"])


async def actor_endpoints(ctx: Context, uri: str) -> ActorEndpoints:
    """Inbox and shared inbox of a remote actor: cached, else fetched and cached."""
    async with ctx.database.reading() as session:
        row = await session.get(RemoteActor, uri)
        if row is not None:
            return ActorEndpoints(uri=row.uri, inbox=row.inbox, shared_inbox=row.shared_inbox)
    document = await fetch_document(ctx, uri)
    endpoints = endpoints_of(document)
    if endpoints is None or endpoints.uri != uri:
        raise FetchError(f"{uri} is not an actor with an inbox")
    async with ctx.database.session() as session, session.begin():
        await save_actor(session, endpoints)
    return endpoints


async def is_known_actor(ctx: Context, uri: str) -> bool:
    """Whether we ever accepted a request from, or fetched, the actor ``uri``."""
    async with ctx.database.reading() as session:
        if await session.get(RemoteActor, uri) is not None:
            return True
        found = await session.scalar(select(RemoteKey.key_id).where(RemoteKey.owner == uri))
        return found is not None
