"""ID-token signing keys: made at start-up, rotated without breaking tokens already issued,
and dropped from the JWKS only once every token they signed has expired."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from commerce_api.db import Database, utcnow
from commerce_api.oauth.keys import rotate_signing_key
from commerce_api.sweep import sweep_identity
from tests.accounts.helpers import api, make_settings, register_and_verify
from tests.oauth.helpers import (
    REDIRECT_URI,
    add_client,
    authorize,
    code_params,
    pkce_pair,
    query_of,
)

EMAIL = "ann@example.org"


async def _id_token(client: Any, client_id: str) -> str:
    verifier, challenge = pkce_pair()
    answer = await authorize(client, code_params(client_id, challenge), EMAIL)
    code = query_of(answer.headers["location"])["code"]
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    return token.json()["id_token"]  # type: ignore[no-any-return]


async def _jwks(client: Any) -> KeySet:
    return KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())


async def test_rotation_keeps_old_tokens_verifiable_until_they_expire(database_url: str) -> None:
    settings = make_settings(database_url)
    db = Database(database_url)
    try:
        async with api(settings) as client:
            # The key exists as soon as the server started, before any OAuth request.
            [first] = (await client.get("/.well-known/jwks.json")).json()["keys"]
            assert first["kty"] == "RSA" and "d" not in first  # public half only

            await register_and_verify(client, database_url, EMAIL)
            client_id, _ = await add_client(database_url)
            old_token = await _id_token(client, client_id)

            new_kid = await rotate_signing_key(db)
            assert new_kid != first["kid"]
            jwks = await _jwks(client)
            assert {k.kid for k in jwks.keys} == {first["kid"], new_kid}
            old = jwt.decode(old_token, jwks, algorithms=["RS256"])  # still verifies
            assert old.header["kid"] == first["kid"] and old.claims["aud"] == client_id

            new_token = await _id_token(client, client_id)
            assert jwt.decode(new_token, jwks, algorithms=["RS256"]).header["kid"] == new_kid

            # Sweeping now keeps the old key: tokens it signed are still valid.
            assert (await sweep_identity(db, settings)).signing_keys == 0
            assert len((await _jwks(client)).keys) == 2

            # Once the ID-token lifetime has passed since the rotation, it goes.
            later = utcnow() + timedelta(seconds=settings.oauth_id_token_seconds, minutes=6)
            assert (await sweep_identity(db, settings, now=later)).signing_keys == 1
            jwks = await _jwks(client)
            assert [k.kid for k in jwks.keys] == [new_kid]
            jwt.decode(new_token, jwks, algorithms=["RS256"])
            with pytest.raises(JoseError):
                jwt.decode(old_token, jwks, algorithms=["RS256"])
    finally:
        await db.dispose()
