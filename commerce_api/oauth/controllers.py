"""The provider's HTTP endpoints: thin handlers that hand Authlib a request through
:mod:`commerce_api.oauth.bridge` and show the sign-in, consent and error pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, Response, get, post, route
from litestar.openapi import ResponseSpec
from litestar.response import Redirect
from sqlalchemy import select

from commerce_api.db import utcnow
from commerce_api.db.models import OAuthToken, User
from commerce_api.domain.identity import (
    CurrentDep,
    IdentityDep,
    clear_session_cookie,
    end_session,
    identity_dependencies,
)
from commerce_api.oauth.bridge import RESPONSE_MODES
from commerce_api.oauth.keys import public_jwks
from commerce_api.oauth.provider import OAuthDep, oauth_dependencies
from commerce_api.oauth.server import SCOPES, Member, user_claims
from commerce_api.pages import render
from commerce_api.tokens import hash_token

__all__ = ["DiscoveryController", "OAuthController"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
PUBLIC = {"Access-Control-Allow-Origin": "*"}
"""Discovery and the JWKS are public: any browser client may read them (no credentials)."""


def _error_page(error: str) -> Response[str]:
    """RFC 6749 §4.1.2.1: a bad client or redirect URI is shown, never redirected to."""
    return render(
        "message.html",
        title="This sign-in link is not valid",
        error=True,
        status=400,
        message=error,
    )


def _bearer_error(description: str, status: int = 401, error: str = "invalid_token") -> Response:
    return Response(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"WWW-Authenticate": f'Bearer error="{error}"', **NO_STORE},
    )


def _oauth_errors(*statuses: int) -> dict[int, ResponseSpec]:
    """``responses=`` of an OAuth endpoint: RFC 6749 §5.2 / RFC 6750 JSON errors."""
    return {
        status: ResponseSpec(
            data_container=dict[str, str],
            description=_OAUTH_ERRORS[status],
            media_type=MediaType.JSON,
        )
        for status in statuses
    }


_OAUTH_ERRORS = {
    400: "invalid_request, invalid_grant, unsupported_grant_type, invalid_scope...",
    401: "invalid_client, or no valid Bearer token",
    403: "insufficient_scope",
}


class OAuthController(Controller):
    path = "/oauth"
    tags = ["oauth"]
    dependencies = {**identity_dependencies, **oauth_dependencies}

    @route("/authorize", http_method=["GET", "POST"], include_in_schema=False, status_code=200)
    async def authorize(
        self, oauth: OAuthDep, request: Request[Any, Any, Any], current: CurrentDep
    ) -> Response[Any]:
        bridge = await oauth.bridge()
        member = Member.of(current.user, current.session.created_at) if current else None
        decision = None
        if request.method == "POST" and current is not None:  # the consent form's answer
            decision = (await request.form()).get("decision")
        outcome = await bridge.authorization(request, member, decision)
        if outcome.kind == "error_page":
            return _error_page(outcome.error)
        if outcome.kind == "sign_in":
            target = "/oauth/authorize?" + urlencode(outcome.params)
            query = {"next": target, **({"reauth": "1"} if outcome.reauthenticate else {})}
            return Redirect("/auth/signin?" + urlencode(query), status_code=303)
        if outcome.kind == "consent" and current is not None:
            return render(
                "consent.html",
                title="Allow access?",
                client_name=outcome.client_name,
                scopes=outcome.scopes,
                email=current.user.email,
                params=outcome.params,
                csrf_token=current.csrf_token,
            )
        assert outcome.result is not None
        return bridge.response(outcome.result)

    @post(
        "/token",
        summary="Token endpoint (RFC 6749 §3.2)",
        description=(
            "Form-encoded. `grant_type=authorization_code` (code, redirect_uri, code_verifier "
            "— PKCE S256 is required), `refresh_token` (rotates: the old one is spent, reusing "
            "it revokes the family) or `client_credentials` (confidential clients). Clients "
            "authenticate with HTTP Basic or client_secret_post; public clients send "
            "client_id. Errors are RFC 6749 §5.2 JSON (`invalid_request`, `invalid_client` "
            "401, `invalid_grant`, `unauthorized_client`, `unsupported_grant_type`, "
            "`invalid_scope`)."
        ),
        status_code=200,
        responses=_oauth_errors(400, 401),
    )
    async def token(self, oauth: OAuthDep, request: Request[Any, Any, Any]) -> Response[Any]:
        return await (await oauth.bridge()).endpoint("token", request)

    @post(
        "/revoke",
        summary="Token revocation (RFC 7009)",
        description="Form-encoded `token` and optional `token_type_hint`. Revoking a refresh "
        "token revokes every token of its family. Unknown tokens also answer 200.",
        status_code=200,
        responses=_oauth_errors(400, 401),
    )
    async def revoke(self, oauth: OAuthDep, request: Request[Any, Any, Any]) -> Response[Any]:
        return await (await oauth.bridge()).endpoint("revocation", request)

    @post(
        "/introspect",
        summary="Token introspection (RFC 7662), for our servers",
        description="Form-encoded `token`; confidential clients only (HTTP Basic). Answers "
        '`{"active": false}` for unknown, expired or revoked tokens.',
        status_code=200,
        responses=_oauth_errors(400, 401),
    )
    async def introspect(self, oauth: OAuthDep, request: Request[Any, Any, Any]) -> Response[Any]:
        return await (await oauth.bridge()).endpoint("introspection", request)

    @route(
        "/userinfo",
        http_method=["GET", "POST"],
        summary="OpenID Connect UserInfo",
        description="`Authorization: Bearer <access token>` with the `openid` scope; claims "
        "follow the token's scopes. Errors are RFC 6750 (`invalid_token` 401, "
        "`insufficient_scope` 403).",
        status_code=200,
        responses=_oauth_errors(401, 403),
    )
    async def userinfo(
        self, identity: IdentityDep, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return Response(
                {"error": "invalid_request", "error_description": "send a Bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="userinfo"'},
            )
        async with identity.db.sessions() as session:
            row = (
                await session.execute(
                    select(OAuthToken, User)
                    .join(User, User.id == OAuthToken.user_id)
                    .where(OAuthToken.access_token_hash == hash_token(token.strip()))
                )
            ).first()
        if row is None or row[0].revoked_at is not None or row[0].access_expires_at <= utcnow():
            return _bearer_error("the access token is unknown, expired or revoked")
        issued, user = row
        if "openid" not in issued.scope.split():
            return _bearer_error("the token lacks the openid scope", 403, "insufficient_scope")
        return Response(user_claims(Member.of(user), issued.scope), headers=NO_STORE)

    @route("/logout", http_method=["GET", "POST"], include_in_schema=False, status_code=200)
    async def logout(
        self,
        identity: IdentityDep,
        oauth: OAuthDep,
        request: Request[Any, Any, Any],
        current: CurrentDep,
    ) -> Response[Any]:
        """RP-initiated logout: with a valid ``id_token_hint`` at once, otherwise after the
        member confirms (a bare link must not sign anyone out)."""
        checked = await (await oauth.bridge()).end_session(request)
        if checked.error:
            return _error_page(checked.error)
        if checked.needs_confirmation and request.method == "GET" and current is not None:
            return render(
                "logout.html",
                title="Sign out?",
                params=checked.params,
                csrf_token=current.csrf_token,
                client_name=checked.client_name,
            )
        response: Response[Any]
        if checked.redirect_uri:
            response = Redirect(checked.redirect_uri, status_code=303)
        else:
            response = render(
                "message.html", title="Signed out", message="You are signed out of Rose Ash."
            )
        if current is not None:
            token = request.cookies.get(identity.settings.session_cookie_name, "")
            async with identity.db.transaction() as session:
                await end_session(session, token)
            clear_session_cookie(response, identity.settings)
        return response


class DiscoveryController(Controller):
    path = "/.well-known"
    tags = ["oauth"]
    dependencies = identity_dependencies

    @get("/openid-configuration", summary="OpenID Connect discovery")
    async def configuration(self, identity: IdentityDep) -> Response[dict[str, Any]]:
        return Response(_discovery(identity.settings.public_url), headers=PUBLIC)

    @get("/jwks.json", summary="The keys that sign ID tokens (JWKS)")
    async def jwks(self, identity: IdentityDep) -> Response[dict[str, Any]]:
        return Response(await public_jwks(identity.db), headers=PUBLIC)


def _discovery(base: str) -> dict[str, Any]:
    """OpenID Connect Discovery 1.0 §3 metadata."""
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "end_session_endpoint": f"{base}/oauth/logout",
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": list(RESPONSE_MODES),
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "email",
            "email_verified",
            "name",
        ],
    }
