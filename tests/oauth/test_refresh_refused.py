"""A refused refresh leaves the refresh token usable (issue 11 item 11: a refresh asking for a
wider scope, or presented by another client, was refused yet marked the token used, so the
client's normal retry revoked the whole family)."""

from __future__ import annotations

from typing import Any

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


async def _tokens(client: Any, client_id: str) -> dict[str, Any]:
    verifier, challenge = pkce_pair()
    params = code_params(client_id, challenge, scope="openid email")
    answer = await authorize(client, params, EMAIL)
    assert answer.status_code == 302, answer.text
    exchanged = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query_of(answer.headers["location"])["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert exchanged.status_code == 200, exchanged.text
    return exchanged.json()  # type: ignore[no-any-return]


async def _refresh(client: Any, client_id: str, token: str, **extra: str) -> Any:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token,
            "client_id": client_id,
            **extra,
        },
    )


async def test_refused_refreshes_do_not_burn_the_token(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        await register_and_verify(client, database_url, EMAIL)
        ours, _ = await add_client(database_url)
        theirs, _ = await add_client(database_url)
        tokens = await _tokens(client, ours)
        refresh_token = tokens["refresh_token"]

        wider = await _refresh(client, ours, refresh_token, scope="openid email profile")
        assert (wider.status_code, wider.json()["error"]) == (400, "invalid_scope")
        stranger = await _refresh(client, theirs, refresh_token)
        assert (stranger.status_code, stranger.json()["error"]) == (400, "invalid_grant")

        retry = await _refresh(client, ours, refresh_token)
        assert retry.status_code == 200, retry.text
        fresh = retry.json()
        assert fresh["scope"] == "openid email"
        userinfo = await client.get(
            "/oauth/userinfo", headers={"Authorization": f"Bearer {fresh['access_token']}"}
        )
        assert userinfo.status_code == 200
        # Rotation still holds: the spent token is dead and its reuse ends the family.
        reused = await _refresh(client, ours, refresh_token)
        assert reused.json()["error"] == "invalid_grant"
        assert (await _refresh(client, ours, fresh["refresh_token"])).status_code == 400
