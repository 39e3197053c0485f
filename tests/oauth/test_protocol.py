"""Protocol errors and token lifecycle, in-process: every failure is the error the RFCs
define, a bad redirect URI is never redirected to, and spent or revoked credentials are
dead (with the tokens they led to)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import OAuthCode, OAuthToken
from tests.accounts.helpers import api, make_settings, register_and_verify
from tests.oauth.helpers import (
    REDIRECT_URI,
    add_client,
    authorize,
    code_params,
    form_fields,
    pkce_pair,
    query_of,
)

EMAIL = "ann@example.org"


@pytest.fixture
async def provider(database_url: str) -> AsyncIterator[Any]:
    async with api(make_settings(database_url)) as client:
        await register_and_verify(client, database_url, EMAIL)
        yield client


async def _code(client: Any, client_id: str, **extra: str) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    answer = await authorize(client, code_params(client_id, challenge, **extra), EMAIL)
    assert answer.status_code == 302, answer.text
    return query_of(answer.headers["location"])["code"], verifier


async def _exchange(client: Any, client_id: str, code: str, verifier: str, **extra: str) -> Any:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
            **extra,
        },
    )


async def _userinfo(client: Any, access_token: str) -> int:
    answer = await client.get(
        "/oauth/userinfo", headers={"Authorization": f"Bearer {access_token}"}
    )
    return answer.status_code  # type: ignore[no-any-return]


async def test_a_reused_code_is_refused_and_revokes_what_it_issued(
    provider: Any, database_url: str
) -> None:
    client_id, _ = await add_client(database_url)
    code, verifier = await _code(provider, client_id)
    first = await _exchange(provider, client_id, code, verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert await _userinfo(provider, tokens["access_token"]) == 200

    replay = await _exchange(provider, client_id, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert await _userinfo(provider, tokens["access_token"]) == 401
    refresh = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client_id,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"


async def _pkce_is_required_s256_only_and_checked(provider: Any, database_url: str) -> None:
    client_id, _ = await add_client(database_url)
    code, verifier = await _code(provider, client_id)
    wrong = await _exchange(provider, client_id, code, verifier[::-1])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    _, challenge = pkce_pair()
    for changes in (
        {"code_challenge_method": "plain"},
        {"code_challenge_method": ""},
        {"code_challenge": ""},
    ):
        params = {k: v for k, v in {**code_params(client_id, challenge), **changes}.items() if v}
        answer = await authorize(provider, params, EMAIL)
        assert answer.status_code == 302, changes
        error = query_of(answer.headers["location"])
        assert error["error"] == "invalid_request" and error["state"] == params["state"]
        assert "code" not in error

    missing = await _exchange(provider, client_id, *(await _code(provider, client_id))[:1], "")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


async def _a_wrong_redirect_uri_is_shown_never_redirected_to(
    provider: Any, database_url: str
) -> None:
    client_id, _ = await add_client(database_url)
    _, challenge = pkce_pair()
    for changes in (
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": REDIRECT_URI + "/"},  # exact match only
        {"redirect_uri": ""},
        {"client_id": "no-such-client"},
    ):
        params = {**code_params(client_id, challenge), **changes}
        answer = await authorize(provider, {k: v for k, v in params.items() if v}, EMAIL)
        assert answer.status_code == 400, changes
        assert "location" not in answer.headers
        assert "text/html" in answer.headers["content-type"]

    code, verifier = await _code(provider, client_id)
    other = await _exchange(
        provider, client_id, code, verifier, redirect_uri="http://127.0.0.1:9/elsewhere"
    )
    assert other.status_code == 400 and other.json()["error"] == "invalid_grant"


async def test_token_endpoint_errors_follow_rfc_6749(provider: Any, database_url: str) -> None:
    public_id, _ = await add_client(database_url)
    secret_id, secret = await add_client(database_url, public=False)

    bad_secret = await provider.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(secret_id, "wrong")
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    assert bad_secret.headers["www-authenticate"].startswith("Basic")
    as_public = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "client_id": secret_id,
        },
    )
    assert as_public.status_code == 401 and as_public.json()["error"] == "invalid_client"

    password = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": EMAIL,
            "password": "x",
            "client_id": public_id,
        },
    )
    assert password.status_code == 400
    assert password.json()["error"] == "unsupported_grant_type"

    no_code = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": public_id,
        },
    )
    assert no_code.status_code == 400 and no_code.json()["error"] == "invalid_request"

    public_credentials = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": public_id,
        },
    )
    assert public_credentials.status_code in (400, 401)
    assert public_credentials.json()["error"] in ("unauthorized_client", "invalid_client")

    ok = await provider.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(secret_id, secret)
    )
    assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"


async def test_expired_and_revoked_credentials_are_dead(provider: Any, database_url: str) -> None:
    client_id, _ = await add_client(database_url)
    server_id, server_secret = await add_client(database_url, public=False)
    db = Database(database_url)
    try:
        # An expired code.
        code, verifier = await _code(provider, client_id)
        async with db.transaction() as session:
            await session.execute(
                update(OAuthCode).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        expired = await _exchange(provider, client_id, code, verifier)
        assert expired.json()["error"] == "invalid_grant"

        # An expired access token.
        tokens = (await _exchange(provider, client_id, *(await _code(provider, client_id)))).json()
        async with db.transaction() as session:
            await session.execute(
                update(OAuthToken).values(access_expires_at=utcnow() - timedelta(seconds=1))
            )
        assert await _userinfo(provider, tokens["access_token"]) == 401
        inactive = await provider.post(
            "/oauth/introspect",
            data={"token": tokens["access_token"]},
            auth=(server_id, server_secret),
        )
        assert inactive.json() == {"active": False}
    finally:
        await db.dispose()

    # Revoking a refresh token (RFC 7009) ends its family, access tokens included.
    tokens = (await _exchange(provider, client_id, *(await _code(provider, client_id)))).json()
    active = await provider.post(
        "/oauth/introspect", data={"token": tokens["access_token"]}, auth=(server_id, server_secret)
    )
    assert active.json()["active"] is True and active.json()["username"] == EMAIL
    revoked = await provider.post(
        "/oauth/revoke",
        data={
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": client_id,
        },
    )
    assert revoked.status_code == 200
    assert await _userinfo(provider, tokens["access_token"]) == 401
    refresh = await provider.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client_id,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"
    unknown = await provider.post("/oauth/revoke", data={"token": "nope", "client_id": client_id})
    assert unknown.status_code == 200  # RFC 7009 §2.2: unknown tokens are not an error
    not_ours = await provider.post("/oauth/introspect", data={"token": "x"})
    assert not_ours.status_code == 401


async def _third_party_clients_ask_for_consent(provider: Any, database_url: str) -> None:
    client_id, _ = await add_client(database_url, first_party=False)
    verifier, challenge = pkce_pair()
    params = code_params(client_id, challenge)
    # prompt=none may show no page: not signed in -> login_required, no consent -> ...
    silent = {**params, "prompt": "none"}
    anonymous = await provider.get("/oauth/authorize?" + urlencode(silent))
    assert query_of(anonymous.headers["location"])["error"] == "login_required"
    page = await authorize(provider, params, EMAIL)
    assert page.status_code == 200 and "Allow" in page.text
    no_consent = await provider.get("/oauth/authorize?" + urlencode(silent))
    refusal = query_of(no_consent.headers["location"])
    assert refusal["error"] == "consent_required" and refusal["state"] == params["state"]
    fields = form_fields(page.text)

    forged = await provider.post(
        "/oauth/authorize", data={**fields, "csrf_token": "forged", "decision": "allow"}
    )
    assert forged.status_code == 403

    denied = await provider.post("/oauth/authorize", data={**fields, "decision": "deny"})
    assert denied.status_code == 302
    refusal = query_of(denied.headers["location"])
    assert refusal["error"] == "access_denied" and refusal["state"] == params["state"]
    assert "code" not in refusal
    allowed = await provider.post("/oauth/authorize", data={**fields, "decision": "allow"})
    code = query_of(allowed.headers["location"])["code"]
    assert (await _exchange(provider, client_id, code, verifier)).status_code == 200


async def _rp_initiated_logout_ends_the_session(provider: Any, database_url: str) -> None:
    client_id, _ = await add_client(database_url, logout_uri="http://127.0.0.1:9/bye")
    tokens = (await _exchange(provider, client_id, *(await _code(provider, client_id)))).json()
    assert (await provider.get("/account/session")).status_code == 200
    answer = await provider.get(
        "/oauth/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://127.0.0.1:9/bye",
            "state": "s1",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "http://127.0.0.1:9/bye?state=s1"
    assert (await provider.get("/account/session")).status_code == 401

    # Without an id_token_hint a bare link only asks; the confirmation form signs out.
    await _code(provider, client_id)  # signs in again on the way
    ask = await provider.get("/oauth/logout", params={"client_id": client_id})
    assert ask.status_code == 200 and "Sign out?" in ask.text
    assert (await provider.get("/account/session")).status_code == 200
    fields = form_fields(ask.text)
    forged = await provider.post("/oauth/logout", data={**fields, "csrf_token": "forged"})
    assert forged.status_code == 403
    confirmed = await provider.post("/oauth/logout", data=fields)
    assert confirmed.status_code == 200 and "signed out" in confirmed.text
    assert (await provider.get("/account/session")).status_code == 401


async def test_authorization_requests_are_validated(provider: Any, database_url: str) -> None:
    """PKCE (S256 only) and exact redirect URIs."""
    await _pkce_is_required_s256_only_and_checked(provider, database_url)
    await _a_wrong_redirect_uri_is_shown_never_redirected_to(provider, database_url)


async def test_consent_then_rp_initiated_logout(provider: Any, database_url: str) -> None:
    await _third_party_clients_ask_for_consent(provider, database_url)
    await _rp_initiated_logout_ends_the_session(provider, database_url)
