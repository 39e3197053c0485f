"""The ID-token signing key (RS256, via ``joserfc``): made on first start, kept in the
database, published as a JWKS."""

from __future__ import annotations

from typing import Any

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from commerce_api.db import Database
from commerce_api.oauth.models import SigningKey

__all__ = ["load_signing_keys"]


async def load_signing_keys(db: Database) -> tuple[RSAKey, KeySet]:
    """The key to sign with (the oldest, so concurrent first starts agree) and the public
    JWKS of every stored key."""
    async with db.transaction() as session:
        rows = (
            (
                await session.execute(
                    select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid)
                )
            )
            .scalars()
            .all()
        )
    if not rows:
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
        key.ensure_kid()
        try:
            async with db.transaction() as session:
                session.add(SigningKey(kid=key.kid, private_jwk=key.as_dict(private=True)))
        except IntegrityError:  # pragma: no cover - another process won the race
            pass
        return await load_signing_keys(db)
    keys = [RSAKey.import_key(row.private_jwk) for row in rows]
    public: dict[str, Any] = {"keys": [k.as_dict(private=False) for k in keys]}
    return keys[0], KeySet.import_key_set(public)
