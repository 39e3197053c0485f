"""ID-token signing keys (RS256, via ``joserfc``), kept in the database.

The newest stored key signs; every stored key is published in the JWKS. Keys are read from
the database at each use (one small query), so every process signs with the same key and a
rotation made by the command line is picked up at once without a restart.

Rotation (``python -m commerce_api oauth rotate-key``) adds a key; the old one stays in the
JWKS until every ID token it signed has expired (its successor is older than the ID-token
lifetime plus :data:`CLOCK_SKEW`), then the sweep removes it.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta
from typing import Any

from joserfc.jwk import KeySet, KeySetSerialization, RSAKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from commerce_api.db import Database, utcnow
from commerce_api.db.models import SigningKey
from server_kernel.db import rows_affected

__all__ = [
    "CLOCK_SKEW",
    "current_key",
    "ensure_signing_key",
    "prune_retired_keys",
    "public_jwks",
    "rotate_signing_key",
    "server_jwks",
]

#: Extra time an old key stays published after its last ID token expired (clients' clocks).
CLOCK_SKEW = timedelta(minutes=5)

_imported: dict[str, RSAKey] = {}
_lock = threading.Lock()


def _key(row: SigningKey) -> RSAKey:
    """The parsed key of a row (cached by kid: a kid's key never changes)."""
    with _lock:
        key = _imported.get(row.kid)
        if key is None:
            key = _imported[row.kid] = RSAKey.import_key(row.private_jwk)
        return key


def _new_row() -> SigningKey:
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    return SigningKey(kid=key.kid, private_jwk=key.as_dict(private=True), created_at=utcnow())


def _newest_first() -> Any:
    return select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.kid.desc())


async def ensure_signing_key(db: Database) -> str:
    """The kid of the key that signs now, creating the first key if there is none (at
    start-up, so the first sign-in does not pay for RSA key generation)."""
    async with db.sessions() as session:
        row = (await session.execute(_newest_first().limit(1))).scalar_one_or_none()
    if row is not None:
        return row.kid
    fresh = await asyncio.to_thread(_new_row)  # RSA generation: keep it off the event loop
    async with db.transaction() as session:
        row = (await session.execute(_newest_first().limit(1))).scalar_one_or_none()
        if row is None:  # still none: ours is the first
            session.add(fresh)
            row = fresh
        return row.kid


async def rotate_signing_key(db: Database) -> str:
    """Add a new key, which signs from now on; returns its kid."""
    fresh = await asyncio.to_thread(_new_row)
    async with db.transaction() as session:
        session.add(fresh)
    return fresh.kid


def _jwks(rows: list[SigningKey]) -> KeySetSerialization:
    return {"keys": [_key(row).as_dict(private=False) for row in rows]}


async def public_jwks(db: Database) -> dict[str, Any]:
    """The JWKS document: the public half of every stored key, newest first."""
    async with db.sessions() as session:
        rows = list((await session.execute(_newest_first())).scalars())
    return {"keys": _jwks(rows)["keys"]}


def current_key(session: Session) -> RSAKey:
    """The signing key (synchronous: Authlib's thread)."""
    row = session.execute(_newest_first().limit(1)).scalar_one_or_none()
    if row is None:
        raise LookupError("no signing key: the server creates one at start-up")
    return _key(row)


def server_jwks(session: Session) -> KeySet:
    """Every published key, to verify our own ID tokens (``id_token_hint`` at logout)."""
    rows = list(session.execute(_newest_first()).scalars())
    return KeySet.import_key_set(_jwks(rows))


async def prune_retired_keys(
    session: AsyncSession, id_token_lifetime: timedelta, now: datetime | None = None
) -> int:
    """Delete keys whose every ID token has expired: those older than the newest key that
    has itself been signing for longer than the ID-token lifetime (plus clock skew)."""
    now = now or utcnow()
    settled = (
        await session.execute(
            _newest_first()
            .where(SigningKey.created_at <= now - id_token_lifetime - CLOCK_SKEW)
            .limit(1)
        )
    ).scalar_one_or_none()
    if settled is None:
        return 0
    result = await session.execute(
        delete(SigningKey).where(SigningKey.created_at < settled.created_at)
    )
    return rows_affected(result)
