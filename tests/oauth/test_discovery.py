"""Discovery says what the provider does and the provider does only that (issue 11 item 14):
response modes other than ``query`` are refused (they were silently ignored), request objects
are refused with OpenID Connect's own errors, discovery says
``request_uri_parameter_supported: false``, and a browser client on any origin can read
discovery and the JWKS (CORS)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.accounts.helpers import api, make_settings, register_and_verify
from tests.oauth.helpers import add_client, authorize, code_params, pkce_pair, query_of

EMAIL = "ann@example.org"
CLIENT_ORIGIN = "https://spa.client.example"


async def test_discovery_and_jwks_are_readable_cross_origin(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        for path in ("/.well-known/openid-configuration", "/.well-known/jwks.json"):
            answer = await client.get(path, headers={"Origin": CLIENT_ORIGIN})
            assert answer.status_code == 200
            assert answer.headers["access-control-allow-origin"] == "*"
        meta = (await client.get("/.well-known/openid-configuration")).json()
        assert meta["response_modes_supported"] == ["query"]
        assert meta["request_uri_parameter_supported"] is False
        assert meta["request_parameter_supported"] is False
        keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert keys and all("d" not in key for key in keys)


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_mode": "fragment"}, "invalid_request"),
        ({"response_mode": "form_post"}, "invalid_request"),
        ({"request_uri": "https://spa.client.example/req.jwt"}, "request_uri_not_supported"),
        ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    ],
)
async def test_unsupported_authorization_parameters_are_refused(
    database_url: str, extra: dict[str, str], error: str
) -> None:
    async with api(make_settings(database_url)) as client:
        await register_and_verify(client, database_url, EMAIL)
        client_id, _ = await add_client(database_url)
        _, challenge = pkce_pair()
        ok = await authorize(
            client, code_params(client_id, challenge, response_mode="query"), EMAIL
        )
        assert ok.status_code == 302 and "code" in query_of(ok.headers["location"])

        params = code_params(client_id, challenge, **extra)
        answer = await client.get("/oauth/authorize?" + urlencode(params))
        assert answer.status_code == 302
        location = answer.headers["location"]
        assert "#" not in location
        refused = query_of(location)
        assert refused["error"] == error and refused["state"] == params["state"]
        assert "code" not in refused
