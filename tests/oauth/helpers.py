"""Helpers for driving the provider like a browser and an OAuth client would."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from commerce_api.db import Database
from commerce_api.db.models import OAuthClient
from commerce_api.tokens import hash_token, new_token
from tests.accounts.helpers import PASSWORD

REDIRECT_URI = "http://127.0.0.1:9/callback"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


async def add_client(
    database_url: str,
    *,
    public: bool = True,
    first_party: bool = True,
    redirect_uri: str = REDIRECT_URI,
    logout_uri: str | None = None,
) -> tuple[str, str | None]:
    client_id, secret = new_token(18), None if public else new_token()
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            session.add(
                OAuthClient(
                    client_id=client_id,
                    name="Test app",
                    secret_hash=hash_token(secret) if secret else None,
                    redirect_uris=[redirect_uri],
                    post_logout_redirect_uris=[logout_uri] if logout_uri else [],
                    first_party=first_party,
                )
            )
    finally:
        await db.dispose()
    return client_id, secret


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def form_fields(html: str) -> dict[str, str]:
    return {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', html)}


async def sign_in_via_page(
    browser: httpx.AsyncClient, signin_location: str, email: str, password: str = PASSWORD
) -> httpx.Response:
    """Follow the redirect to the sign-in page, fill it in, and return the POST's answer."""
    page = await browser.get(signin_location)
    assert page.status_code == 200, page.text
    fields = form_fields(page.text)
    return await browser.post(
        "/auth/signin",
        data={**fields, "email": email, "password": password},
    )


async def authorize(
    browser: httpx.AsyncClient,
    params: dict[str, str],
    email: str,
    password: str = PASSWORD,
) -> httpx.Response:
    """GET the authorization endpoint, signing in on the way when asked; returns the final
    answer of the authorization endpoint (a 302 to the client, a page, or an error)."""
    response = await browser.get("/oauth/authorize?" + urlencode(params))
    if response.status_code == 303 and "/auth/signin" in response.headers["location"]:
        signed = await sign_in_via_page(browser, response.headers["location"], email, password)
        assert signed.status_code == 303, signed.text
        response = await browser.get(signed.headers["location"])
    return response


def code_params(client_id: str, challenge: str, **extra: Any) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
