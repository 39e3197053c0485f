"""The OAuth 2.0 / OpenID Connect provider: Authlib's framework-agnostic server, configured.

Why Authlib (not ``aioauth``): it is the most widely used and maintained Python OAuth
library, implements every piece we need as tested, RFC-numbered modules (RFC 6749 grants,
RFC 7636 PKCE, RFC 7009 revocation, RFC 7662 introspection, OpenID Connect Core's ID tokens
and nonce, RP-initiated logout) and signs with ``joserfc``, which we use for the JWKS anyway.
Its server is synchronous, so every call runs in a worker thread on its own synchronous
database session (:mod:`commerce_api.oauth.store`); the Litestar side is
:mod:`commerce_api.oauth.bridge`.

Where we tighten Authlib's defaults:

* PKCE is required for every client and only ``S256`` is accepted (Authlib accepts ``plain``
  and assumes it when no method is sent).
* Redirect URIs match exactly, and one is required; a request whose client or redirect URI is
  wrong is never redirected (the bridge shows an error page).
* Codes live ``OAUTH_CODE_SECONDS`` and are claimed atomically: a second use finds the code
  spent and revokes every token issued from it.
* Refresh tokens rotate on every use; presenting a spent one revokes its whole family. A
  refresh refused for its client or scope does not spend the token.
* Only SHA-256 hashes of codes, tokens and client secrets are stored.
* Authlib logs issued tokens at DEBUG: its logger is held at INFO.
"""

from __future__ import annotations

import hmac
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc6749.requests import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select, update

from commerce_api.db import utcnow
from commerce_api.db.models import OAuthClient, OAuthCode, OAuthToken, User
from commerce_api.oauth.keys import current_key, server_jwks
from commerce_api.oauth.store import current_session
from commerce_api.settings import Settings
from commerce_api.tokens import hash_token, new_token
from server_kernel.db import rows_affected

__all__ = ["Member", "OAuthServer", "PlainRequest", "user_claims"]

logging.getLogger("authlib").setLevel(logging.INFO)

USER_GRANTS = {"authorization_code", "refresh_token"}
SCOPES = ["openid", "profile", "email"]


@dataclass(frozen=True)
class Member:
    """The signed-in member as Authlib sees it (detached from any database session)."""

    id: int
    public_id: str
    email: str
    email_verified: bool
    display_name: str | None
    auth_time: int | None = None

    @classmethod
    def of(cls, user: User, auth_time: datetime | None = None) -> Member:
        return cls(
            user.id,
            user.public_id,
            user.email,
            user.email_verified_at is not None,
            user.display_name,
            int(auth_time.timestamp()) if auth_time else None,
        )

    def get_user_id(self) -> str:
        return self.public_id


def user_claims(member: Member, scope: str) -> dict[str, Any]:
    """OpenID claims for ``scope`` (used by ID tokens and ``userinfo``)."""
    return dict(
        UserInfo(
            sub=member.public_id,
            email=member.email,
            email_verified=member.email_verified,
            name=member.display_name or member.email.split("@")[0],
        ).filter(scope)
    )


class _Payload(OAuth2Payload):
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._datalist: dict[str, list[str]] = {}
        for key, value in pairs:
            self._datalist.setdefault(key, []).append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> Any:
        return self._datalist


class PlainRequest(OAuth2Request):
    """An HTTP request already read by the event loop, handed to Authlib in a thread."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Any,
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.payload = _Payload(query + form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


# --- models as Authlib sees them ---------------------------------------------------------


class Client(ClientMixin):
    def __init__(self, row: OAuthClient) -> None:
        self.row = row
        self.client_id = row.client_id
        self.client_metadata = {"post_logout_redirect_uris": list(row.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # redirect_uri is always required

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.row.scope.split()
        if not scope:
            return ""
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.row.secret_hash is None:
            return False
        return hmac.compare_digest(self.row.secret_hash, hash_token(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.is_public:
            return method == "none" and endpoint != "introspection"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type in USER_GRANTS:
            return True
        return grant_type == "client_credentials" and not self.row.is_public


class Code(AuthorizationCodeMixin):
    def __init__(self, row: OAuthCode) -> None:
        self.row = row

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Token:
    """An issued token found by one of its two secrets (``kind`` says which)."""

    def __init__(self, row: OAuthToken, kind: str) -> None:
        self.row = row
        self.kind = kind
        self.scope = row.scope

    def check_client(self, client: Client) -> bool:
        return self.row.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.row.scope

    def _expires_at(self) -> datetime | None:
        return (
            self.row.access_expires_at
            if self.kind == "access_token"
            else (self.row.refresh_expires_at)
        )

    def get_expires_in(self) -> int:
        expires = self._expires_at()
        return int((expires - utcnow()).total_seconds()) if expires else 0

    def is_expired(self) -> bool:
        expires = self._expires_at()
        return expires is None or expires <= utcnow()

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or (
            self.kind == "refresh_token" and self.row.refresh_used_at is not None
        )


# --- storage helpers (run inside SyncStore.session()) ---------------------------------------


def _load_member(user_id: int | None) -> Member | None:
    if user_id is None:
        return None
    user = current_session().get(User, user_id)
    return Member.of(user) if user else None


def _revoke_family(family_id: str) -> None:
    current_session().execute(
        update(OAuthToken)
        .where(OAuthToken.family_id == family_id, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def find_token(token: str, hint: str | None = None) -> Token | None:
    session = current_session()
    digest = hash_token(token)
    kinds = (
        ["refresh_token", "access_token"]
        if hint == "refresh_token"
        else [
            "access_token",
            "refresh_token",
        ]
    )
    for kind in kinds:
        column = (
            OAuthToken.access_token_hash
            if kind == "access_token"
            else (OAuthToken.refresh_token_hash)
        )
        row = session.execute(select(OAuthToken).where(column == digest)).scalar_one_or_none()
        if row is not None:
            return Token(row, kind)
    return None


# --- grants and endpoints -----------------------------------------------------------------


class S256Only(CodeChallenge):
    """PKCE for every client, ``S256`` only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge'.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: Code) -> str:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: Code) -> str:
        return authorization_code.row.code_challenge_method


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        settings: Settings = self.server.settings
        member: Member = request.user
        auth_time = datetime.fromtimestamp(member.auth_time, UTC) if member.auth_time else utcnow()
        current_session().add(
            OAuthCode(
                code_hash=hash_token(code),
                client_id=request.client.get_client_id(),
                user_id=member.id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method="S256",
                family_id=str(uuid.uuid4()),
                auth_time=auth_time,
                expires_at=utcnow() + timedelta(seconds=settings.oauth_code_seconds),
            )
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        session = current_session()
        row = session.execute(
            select(OAuthCode).where(OAuthCode.code_hash == hash_token(code))
        ).scalar_one_or_none()
        if row is None or row.client_id != client.get_client_id():
            return None
        # Claim the code atomically: of two concurrent redemptions only one wins.
        claimed = session.execute(
            update(OAuthCode)
            .where(OAuthCode.id == row.id, OAuthCode.used_at.is_(None))
            .values(used_at=utcnow())
        )
        if not rows_affected(claimed):
            _revoke_family(row.family_id)  # RFC 6749 §4.1.2: a reused code revokes its tokens
            return None
        if row.expires_at <= utcnow():
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        """Kept (already marked used) so a replay is recognised."""

    def authenticate_user(self, authorization_code: Code) -> Member | None:
        member = _load_member(authorization_code.row.user_id)
        if member is None:
            return None
        return Member(**{**member.__dict__, "auth_time": authorization_code.get_auth_time()})


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        """Find the token without spending it: Authlib checks the client and the scope after
        this, and a refused request must leave the token usable. A spent or revoked token
        presented again revokes its family (reuse of a rotated token)."""
        token = find_token(refresh_token, "refresh_token")
        if token is None or token.kind != "refresh_token":
            return None
        if token.is_revoked():
            _revoke_family(token.row.family_id)
            return None
        if token.is_expired():
            return None
        return token

    def validate_token_request(self) -> None:
        """Authlib's checks (client, token, scope), then spend the token atomically: of two
        concurrent redemptions only one wins, and the loser revokes the family."""
        super().validate_token_request()
        row = self.request.refresh_token.row
        claimed = current_session().execute(
            update(OAuthToken)
            .where(
                OAuthToken.id == row.id,
                OAuthToken.refresh_used_at.is_(None),
                OAuthToken.revoked_at.is_(None),
            )
            .values(refresh_used_at=utcnow())
        )
        if not rows_affected(claimed):
            _revoke_family(row.family_id)
            raise InvalidGrantError()

    def authenticate_user(self, refresh_token: Token) -> Member | None:
        return _load_member(refresh_token.row.user_id)

    def revoke_old_credential(self, refresh_token: Token) -> None:
        """Already spent when it was claimed in :meth:`validate_token_request`."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class OpenIDConnect(OpenIDCode):
    """ID tokens signed with the newest stored key (read per token, so a rotation applies at
    once in every process). Authlib asks for the header and the key separately; the key read
    for the header is kept (per thread) so both always agree."""

    def __init__(self, server: OAuthServer) -> None:
        super().__init__(require_nonce=False)
        self.server = server
        self._signing = threading.local()

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return (
            current_session()
            .execute(
                select(OAuthCode.id).where(
                    OAuthCode.nonce == nonce,
                    OAuthCode.client_id == request.payload.client_id,
                )
            )
            .first()
            is not None
        )

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        key: RSAKey | None = getattr(self._signing, "key", None)
        self._signing.key = None
        return key or current_key(current_session())

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, Any]:
        key = self._signing.key = current_key(current_session())
        return {"alg": "RS256", "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(utcnow().timestamp())
        return {
            "iss": self.server.issuer,
            "aud": client.get_client_id(),
            "iat": now,
            "exp": now + self.server.settings.oauth_id_token_seconds,
        }

    def generate_user_info(self, user: Member, scope: str) -> dict[str, Any]:
        return user_claims(user, scope)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        return find_token(token_string, token_type_hint)

    def revoke_token(self, token: Token, request: Any) -> None:
        if token.kind == "refresh_token":
            _revoke_family(token.row.family_id)  # RFC 7009 §2.1: and its access tokens
        else:
            token.row.revoked_at = token.row.revoked_at or utcnow()


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        return find_token(token_string, token_type_hint)

    def check_permission(self, token: Token, client: Client, request: Any) -> bool:
        """Our own servers (first-party confidential clients) may introspect any token;
        another client only its own."""
        return client.row.first_party or token.check_client(client)

    def introspect_token(self, token: Token) -> dict[str, Any]:
        row = token.row
        member = _load_member(row.user_id)
        expires = token._expires_at()
        payload: dict[str, Any] = {
            "active": True,
            "client_id": row.client_id,
            "scope": row.scope,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "iat": int(row.issued_at.timestamp()),
            "exp": int(expires.timestamp()) if expires else None,
            "iss": self.server.issuer,
        }
        if member is not None:
            payload["sub"] = member.public_id
            payload["username"] = member.email
        return payload


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> KeySet:
        return server_jwks(current_session())

    def get_algorithms(self) -> list[str]:
        return ["RS256"]

    def end_session(self, end_session_request: Any) -> None:
        """The browser session itself is ended by the handler (it owns the cookie)."""


# --- the server -----------------------------------------------------------------------------


class OAuthServer(AuthorizationServer):
    """Authlib's server bound to our storage; responses come back as (status, body, headers)
    for :mod:`commerce_api.oauth.bridge` to turn into Litestar responses."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.settings = settings
        self.issuer = settings.public_url
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: new_token(),
                refresh_token_generator=lambda **_: new_token(),
                expires_generator=lambda client, grant_type: settings.oauth_access_token_seconds,
            ),
        )
        self.register_grant(AuthorizationCodeGrant, [S256Only(required=True), OpenIDConnect(self)])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)
        self.register_endpoint(EndSession)

    def query_client(self, client_id: str) -> Client | None:
        row = (
            current_session()
            .execute(select(OAuthClient).where(OAuthClient.client_id == client_id))
            .scalar_one_or_none()
        )
        return Client(row) if row else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        now = utcnow()
        if request.authorization_code is not None:
            family = request.authorization_code.row.family_id
        elif request.refresh_token is not None:
            family = request.refresh_token.row.family_id
        else:
            family = str(uuid.uuid4())
        refresh = token.get("refresh_token")
        member: Member | None = request.user
        current_session().add(
            OAuthToken(
                client_id=request.client.get_client_id(),
                user_id=member.id if member else None,
                scope=token.get("scope") or "",
                access_token_hash=hash_token(token["access_token"]),
                refresh_token_hash=hash_token(refresh) if refresh else None,
                family_id=family,
                issued_at=now,
                access_expires_at=now + timedelta(seconds=int(token["expires_in"])),
                refresh_expires_at=(
                    now + timedelta(days=self.settings.oauth_refresh_token_days)
                    if refresh
                    else None
                ),
            )
        )

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        raise TypeError("pass a PlainRequest built by the bridge")

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints")

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, list(headers or [])

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals are used."""
