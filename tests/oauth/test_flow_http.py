"""The whole OpenID Connect flow over real HTTP: the commerce API runs as a uvicorn process
(set up with the admin commands), a browser signs in on its pages, and an independent client
(Authlib's httpx ``OAuth2Client``) completes the code + PKCE flow; the ID token is checked
against the published JWKS with ``joserfc``."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from commerce_api.db import migrate
from tests.accounts.helpers import PASSWORD, cli, cli_env
from tests.conftest import REPO_ROOT, free_port
from tests.oauth.helpers import REDIRECT_URI, add_client, authorize, query_of


@dataclass
class Server:
    base: str
    env: dict[str, str]


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = cli_env(database_url, port)
    await migrate(database_url)
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "commerce_api",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(base + "/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield Server(base, env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert PASSWORD not in text  # nothing secret is logged


async def test_authorization_code_flow_with_an_independent_client(server: Server) -> None:
    env, base = server.env, server.base
    assert "created" in cli(
        env, "users", "add", "--email", "Ann@Example.org", "--password-stdin", stdin=PASSWORD + "\n"
    )
    # The browser app is a public client, registered directly to save a process.
    client_id, _ = await add_client(env["DATABASE_URL"])
    out = cli(
        env,
        "clients",
        "add",
        "--name",
        "Federation server",
        "--redirect-uri",
        "https://fed.example.coop/cb",
    )
    server_id = re.search(r"client_id=(\S+)", out).group(1)
    server_secret = re.search(r"client_secret=(\S+)", out).group(1)

    discovery = httpx.get(base + "/.well-known/openid-configuration").json()
    assert discovery["issuer"] == base
    assert discovery["code_challenge_methods_supported"] == ["S256"]

    oauth = OAuth2Client(
        client_id=client_id,
        redirect_uri=REDIRECT_URI,
        scope="openid profile email",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = "v" * 20 + os.urandom(24).hex()
    url, state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    async with httpx.AsyncClient(base_url=base) as browser:
        answer = await authorize(browser, dict(httpx.URL(url).params), "ann@example.org")
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    assert query_of(location)["state"] == state

    token = oauth.fetch_token(
        discovery["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    assert token["token_type"] == "Bearer" and token["refresh_token"]

    jwks = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    id_token = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": base},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": "n-0S6_WzA2Mj"},
        sub={"essential": True},
    ).validate(id_token.claims)
    assert id_token.claims["email"] == "ann@example.org"

    me = oauth.get(discovery["userinfo_endpoint"])
    assert me.status_code == 200 and me.json()["sub"] == id_token.claims["sub"]

    # Rotation: the refresh gives a new pair; the spent refresh token is reuse and kills
    # the whole family, the newest tokens included.
    first_refresh = token["refresh_token"]
    rotated = oauth.refresh_token(discovery["token_endpoint"], refresh_token=first_refresh)
    assert rotated["refresh_token"] != first_refresh
    reuse = httpx.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": first_refresh,
            "client_id": client_id,
        },
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    again = httpx.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": rotated["refresh_token"],
            "client_id": client_id,
        },
    )
    assert again.json()["error"] == "invalid_grant"
    introspected = httpx.post(
        discovery["introspection_endpoint"],
        data={"token": rotated["access_token"]},
        auth=(server_id, server_secret),
    ).json()
    assert introspected == {"active": False}

    # Our other servers: client credentials, then introspection of that token.
    service = httpx.post(
        discovery["token_endpoint"],
        data={"grant_type": "client_credentials"},
        auth=(server_id, server_secret),
    ).json()
    active = httpx.post(
        discovery["introspection_endpoint"],
        data={"token": service["access_token"]},
        auth=(server_id, server_secret),
    ).json()
    assert active["active"] is True and active["client_id"] == server_id
    assert "refresh_token" not in service

    # Key rotation from the command line reaches the running server at once; the ID token
    # signed before it still verifies against the published JWKS.
    old_kid = id_token.header["kid"]
    assert "now signed with key" in cli(env, "oauth", "rotate-key")
    jwks = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    assert len(jwks.keys) == 2
    assert jwt.decode(token["id_token"], jwks, algorithms=["RS256"]).header["kid"] == old_kid

    # Concurrent redemptions of one code: exactly one wins, and the replays revoke its tokens.
    verifier = "w" * 20 + os.urandom(24).hex()
    url, _ = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier
    )
    async with httpx.AsyncClient(base_url=base) as browser:
        answer = await authorize(browser, dict(httpx.URL(url).params), "ann@example.org")
    code = query_of(answer.headers["location"])["code"]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    async with httpx.AsyncClient() as racer:
        answers = await asyncio.gather(
            *(racer.post(discovery["token_endpoint"], data=exchange) for _ in range(6))
        )
    winners = [a for a in answers if a.status_code == 200]
    assert len(winners) == 1
    rotated_id = jwt.decode(winners[0].json()["id_token"], jwks, algorithms=["RS256"])
    assert rotated_id.header["kid"] != old_kid  # signed with the new key
    assert {a.json()["error"] for a in answers if a.status_code != 200} == {"invalid_grant"}
    revoked = httpx.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {winners[0].json()['access_token']}"},
    )
    assert revoked.status_code == 401
