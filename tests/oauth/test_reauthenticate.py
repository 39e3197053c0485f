"""``prompt=login`` and ``max_age`` (issue 11 item 10), OpenID Connect Core 1.0 §3.1.2.1:
the OP MUST re-authenticate when ``prompt=login`` asks, or when the sign-in is older than
``max_age``; with ``prompt=none`` it MUST NOT show a page, so it answers ``login_required``.
The ID token always carries ``auth_time`` (MUST when ``max_age`` is sent)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import WebSession
from tests.accounts.helpers import PASSWORD, api, make_settings, register_and_verify
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


def _claims(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


async def _age_the_session(database_url: str, hours: int) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(
                update(WebSession).values(created_at=utcnow() - timedelta(hours=hours))
            )
    finally:
        await db.dispose()


async def _id_token(client: Any, client_id: str, location: str, verifier: str) -> dict[str, Any]:
    answer = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query_of(location)["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert answer.status_code == 200, answer.text
    return _claims(answer.json()["id_token"])


async def _sign_in_again(client: Any, location: str, password: str = PASSWORD) -> Any:
    """Follow a re-authentication redirect: the form must be shown although signed in."""
    assert "/auth/signin" in location and parse_qs(urlsplit(location).query)["reauth"] == ["1"]
    page = await client.get(location)
    assert page.status_code == 200 and 'type="password"' in page.text
    assert f'value="{EMAIL}"' in page.text  # the signed-in member's address, filled in
    fields = form_fields(page.text)
    return await client.post("/auth/signin", data={**fields, "email": EMAIL, "password": password})


async def _signed_in(client: Any, database_url: str, hours_ago: int) -> str:
    """A member signed in ``hours_ago`` through a first-party client's authorize; its id."""
    await register_and_verify(client, database_url, EMAIL)
    client_id, _ = await add_client(database_url)
    _, challenge = pkce_pair()
    assert (await authorize(client, code_params(client_id, challenge), EMAIL)).status_code == 302
    await _age_the_session(database_url, hours=hours_ago)
    return client_id


async def test_prompt_login_makes_a_signed_in_member_sign_in_again(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        client_id = await _signed_in(client, database_url, hours_ago=2)
        verifier, challenge = pkce_pair()
        plain = await client.get("/oauth/authorize?" + urlencode(code_params(client_id, challenge)))
        assert plain.status_code == 302  # no prompt: the two-hour-old sign-in is enough
        old = await _id_token(client, client_id, plain.headers["location"], verifier)

        verifier, challenge = pkce_pair()
        params = code_params(client_id, challenge, prompt="login")
        asked = await client.get("/oauth/authorize?" + urlencode(params))
        assert asked.status_code == 303  # no code without signing in again
        wrong = await _sign_in_again(client, asked.headers["location"], "not the password")
        assert wrong.status_code == 401
        signed = await _sign_in_again(client, asked.headers["location"])
        assert signed.status_code == 303
        done = await client.get(signed.headers["location"])
        assert done.status_code == 302
        assert query_of(done.headers["location"])["state"] == params["state"]
        claims = await _id_token(client, client_id, done.headers["location"], verifier)
        assert claims["auth_time"] > old["auth_time"] + 3600


async def test_max_age_older_than_the_sign_in_asks_again(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        client_id = await _signed_in(client, database_url, hours_ago=1)
        _, challenge = pkce_pair()

        recent_enough = code_params(client_id, challenge, max_age="7200")
        answer = await client.get("/oauth/authorize?" + urlencode(recent_enough))
        assert answer.status_code == 302 and "code" in query_of(answer.headers["location"])

        silent = code_params(client_id, challenge, max_age="600", prompt="none")
        answer = await client.get("/oauth/authorize?" + urlencode(silent))
        refused = query_of(answer.headers["location"])
        assert refused["error"] == "login_required" and refused["state"] == silent["state"]

        bad = code_params(client_id, challenge, max_age="soon")
        answer = await client.get("/oauth/authorize?" + urlencode(bad))
        assert query_of(answer.headers["location"])["error"] == "invalid_request"

        verifier, challenge = pkce_pair()
        too_old = code_params(client_id, challenge, max_age="600")
        asked = await client.get("/oauth/authorize?" + urlencode(too_old))
        assert asked.status_code == 303
        signed = await _sign_in_again(client, asked.headers["location"])
        done = await client.get(signed.headers["location"])
        assert done.status_code == 302
        claims = await _id_token(client, client_id, done.headers["location"], verifier)
        assert claims["auth_time"] >= int(utcnow().timestamp()) - 600
