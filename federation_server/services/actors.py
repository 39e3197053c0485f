"""Our actors: created with an RSA-2048 key on first start, rendered as ActivityPub actors."""

from __future__ import annotations

import asyncio
import mimetypes
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server import keys
from federation_server.activitypub.ids import Urls
from federation_server.context import Context
from federation_server.db.engine import Database
from federation_server.db.models import LocalActor
from federation_server.errors import NotFound
from federation_server.settings import Settings
from federation_server.signatures import HTTPSignatureAuth


def _new_key_pair(password: str) -> tuple[str, str]:
    private = keys.generate_private_key()
    return keys.private_key_to_pem(private, password.encode() or None), keys.public_key_pem(private)


async def ensure_local_actors(ctx: Context) -> None:
    """Create any configured actor that has no row yet (keys are generated once, then kept).

    Several processes start at once in production: when another one created an actor first,
    our insert conflicts and the next pass finds its row (its keys are the ones kept)."""
    for attempt in range(3):
        try:
            await _add_missing_actors(ctx)
            return
        except IntegrityError:
            if attempt == 2:
                raise


async def _add_missing_actors(ctx: Context) -> None:
    async with ctx.database.session() as session, session.begin():
        existing = set((await session.scalars(select(LocalActor.name))).all())
        for actor in ctx.settings.actors:
            if actor.name in existing:
                continue
            private_pem, public_pem = await asyncio.to_thread(
                _new_key_pair, ctx.settings.key_password
            )
            session.add(
                LocalActor(
                    name=actor.name,
                    display_name=actor.display_name,
                    summary=actor.summary,
                    icon=actor.icon,
                    url=actor.url,
                    private_key_pem=private_pem,
                    public_key_pem=public_pem,
                )
            )


async def get_actor(session: AsyncSession, settings: Settings, name: str) -> LocalActor:
    """The configured actor ``name`` or NotFound (an actor removed from settings is gone)."""
    if settings.actor(name) is None:
        raise NotFound(f"No actor named {name!r} here.")
    actor = await session.scalar(select(LocalActor).where(LocalActor.name == name))
    if actor is None:
        raise NotFound(f"No actor named {name!r} here.")
    return actor


@lru_cache(maxsize=64)
def _load_private(pem: str, password: str) -> Any:
    return keys.load_private_key(pem, password.encode() or None)


def private_key_of(actor: LocalActor, settings: Settings) -> Any:
    """The actor's private key object (parsed once per process)."""
    return _load_private(actor.private_key_pem, settings.key_password)


async def fetch_signer(ctx: Context) -> HTTPSignatureAuth | None:
    """Signs outgoing GETs with the first configured actor's key (like Mastodon's instance
    actor), so servers that insist on signed fetches still let us read actors and keys."""
    if not ctx.settings.actors:
        return None
    name = ctx.settings.actors[0].name
    async with ctx.database.reading() as session:
        actor = await session.scalar(select(LocalActor).where(LocalActor.name == name))
    if actor is None:
        return None
    return HTTPSignatureAuth(ctx.urls.key(name), private_key_of(actor, ctx.settings))


def render_actor(ctx: Context, actor: LocalActor) -> dict[str, Any]:
    """The actor document (without ``@context``)."""
    urls = ctx.urls
    actor_id = urls.actor(actor.name)
    document: dict[str, Any] = {
        "id": actor_id,
        "type": "Service",
        "preferredUsername": actor.name,
        "name": actor.display_name or actor.name,
        "summary": actor.summary or "",
        "url": actor.url or f"{ctx.settings.site_url}/{actor.name}/",
        "inbox": urls.inbox(actor.name),
        "outbox": urls.outbox(actor.name),
        "followers": urls.followers(actor.name),
        "following": urls.following(actor.name),
        "featured": urls.featured(actor.name),
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": actor.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publicKey": {
            "id": urls.key(actor.name),
            "owner": actor_id,
            "publicKeyPem": actor.public_key_pem,
        },
    }
    if actor.icon:
        document["icon"] = image(actor.icon)
    if actor.header:  # Mastodon's profile header
        document["image"] = image(actor.header)
    return document


def image(url: str) -> dict[str, str]:
    """An ``Image`` with its ``mediaType`` (from the file name), as Mastodon shows avatars."""
    media_type, _ = mimetypes.guess_type(urlsplit(url).path)
    shaped = {"type": "Image", "url": url}
    if media_type and media_type.startswith("image/"):
        shaped["mediaType"] = media_type
    return shaped


def local_key_resolver(settings: Settings, database: Database) -> Any:
    """``key_id -> private key`` for our own actors (``<actor>#main-key``): what the delivery
    worker signs with."""
    urls = Urls(settings.public_url)

    async def resolve(key_id: str) -> Any:
        name = urls.local_actor_name(key_id.split("#", 1)[0])
        if name is None:
            raise LookupError(f"{key_id} is not one of our keys")
        async with database.reading() as session:
            actor = await session.scalar(select(LocalActor).where(LocalActor.name == name))
        if actor is None:
            raise LookupError(f"no local actor {name!r}")
        return private_key_of(actor, settings)

    return resolve
