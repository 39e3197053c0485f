"""The one thin module between Litestar and Authlib.

It reads a Litestar request on the event loop into a :class:`PlainRequest`, runs Authlib's
synchronous server in a worker thread inside one storage transaction, and turns Authlib's
``(status, body, headers)`` back into a Litestar response. RFC 6749 §5.2 allows 400 for a
failed client authentication without ``Authorization``; we always answer ``invalid_client``
with 401 and a ``WWW-Authenticate`` challenge, as clients expect.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import anyio.to_thread
from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from authlib.oidc.core.errors import (
    ConsentRequiredError,
    LoginRequiredError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)
from litestar import Request, Response

from commerce_api.db import utcnow
from commerce_api.oauth.server import Member, OAuthServer, PlainRequest
from commerce_api.oauth.store import SyncStore

__all__ = ["Authorization", "EndSession", "OAuthBridge"]

T = TypeVar("T")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Authorization:
    """What the authorization endpoint should do next (framework-neutral).

    ``respond``: send ``result`` (a redirect to the client, with a code or an error);
    ``error_page``: the client or redirect URI is wrong, show ``error`` and never redirect;
    ``sign_in``: nobody is signed in; ``consent``: ask the member about ``client_name``.
    """

    kind: Literal["respond", "error_page", "sign_in", "consent"]
    result: tuple[int, Any, list[tuple[str, str]]] | None = None
    error: str = ""
    client_name: str = ""
    scopes: list[str] = field(default_factory=list)
    params: list[tuple[str, str]] = field(default_factory=list)
    """The request's OAuth parameters, to carry through the sign-in or consent form."""
    reauthenticate: bool = False
    """``sign_in`` although someone is signed in (``prompt=login`` or ``max_age``)."""


@dataclass(frozen=True)
class EndSession:
    """A checked RP-initiated logout request."""

    error: str = ""
    redirect_uri: str | None = None
    needs_confirmation: bool = True
    client_name: str | None = None
    params: list[tuple[str, str]] = field(default_factory=list)


class OAuthBridge:
    def __init__(self, server: OAuthServer, store: SyncStore) -> None:
        self.server = server
        self.store = store

    async def read(self, request: Request[Any, Any, Any]) -> PlainRequest:
        query = list(request.query_params.multi_items())
        form: list[tuple[str, str]] = []
        if request.method == "POST" and request.content_type[0] == FORM:
            data = await request.form()
            form = [(k, v) for k, v in data.multi_items() if isinstance(v, str)]
        # Authlib checks the transport of this URI; our public URL says what the client used.
        uri = self.server.settings.public_url + request.url.path
        if request.url.query:
            uri += "?" + request.url.query
        return PlainRequest(request.method, uri, request.headers, query, form)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in a worker thread inside one storage transaction."""

        def run() -> T:
            with self.store.session():
                return fn(*args)

        return await anyio.to_thread.run_sync(run)

    async def authorization(
        self, request: Request[Any, Any, Any], member: Member | None, decision: str | None
    ) -> Authorization:
        """Validate an authorization request and, when nothing needs asking, answer it.
        First-party clients skip consent; ``decision`` is the consent form's answer."""
        plain = await self.read(request)
        server = self.server
        params = [
            (k, v) for k, v in plain.payload.data.items() if k not in ("csrf_token", "decision")
        ]
        prompts = (plain.payload.data.get("prompt") or "").split()

        def flow() -> Authorization:
            try:
                grant = server.get_consent_grant(plain, end_user=member)
                _check_parameters(grant)
            except OAuth2Error as error:
                if error.redirect_uri:
                    return Authorization("respond", server.handle_error_response(plain, error))
                return Authorization("error_page", error=_describe(error))
            if member is None:
                return Authorization("sign_in", params=params)
            if _must_reauthenticate(grant, member):
                if "none" in prompts:
                    # OIDC Core §3.1.2.1: with prompt=none the OP MUST NOT show a page.
                    refusal = LoginRequiredError(
                        redirect_uri=grant.redirect_uri, state=plain.payload.state
                    )
                    return Authorization("respond", server.handle_error_response(plain, refusal))
                # The member signs in again now; the fresh session satisfies both requests.
                again = [(k, v) for k, v in params if k not in ("prompt", "max_age")]
                return Authorization("sign_in", params=again, reauthenticate=True)
            client = grant.client.row
            if not client.first_party and decision is None:
                if "none" in prompts:
                    # OIDC Core §3.1.2.6: no page may be shown, so consent cannot be asked.
                    refusal = ConsentRequiredError(
                        redirect_uri=grant.redirect_uri, state=plain.payload.state
                    )
                    return Authorization("respond", server.handle_error_response(plain, refusal))
                scopes = (grant.request.scope or "").split()
                return Authorization(
                    "consent", client_name=client.name, scopes=scopes, params=params
                )
            user = member if client.first_party or decision == "allow" else None
            return Authorization(
                "respond", server.create_authorization_response(plain, grant_user=user, grant=grant)
            )

        return await self.call(flow)

    async def end_session(self, request: Request[Any, Any, Any]) -> EndSession:
        """Check an RP-initiated logout request (``id_token_hint``, registered
        ``post_logout_redirect_uri``, ``state``)."""
        plain = await self.read(request)
        params = [(k, v) for k, v in plain.payload.data.items() if k != "csrf_token"]

        def validate() -> EndSession:
            try:
                checked = self.server.validate_endpoint_request("end_session", plain)
            except OAuth2Error as error:
                return EndSession(error=_describe(error))
            client = checked.client
            return EndSession(
                redirect_uri=checked.redirect_uri,
                needs_confirmation=checked.needs_confirmation,
                client_name=client.row.name if client is not None else None,
                params=params,
            )

        return await self.call(validate)

    async def endpoint(self, name: str, request: Request[Any, Any, Any]) -> Response[Any]:
        """Serve one of Authlib's endpoints (``token``, ``revocation``, ``introspection``)."""
        plain = await self.read(request)
        if name == "token":
            result = await self.call(self.server.create_token_response, plain)
        else:
            result = await self.call(self.server.create_endpoint_response, name, plain)
        return self.response(result)

    @staticmethod
    def response(result: tuple[int, Any, list[tuple[str, str]]]) -> Response[Any]:
        status, body, headers = result
        header_map = dict(headers)
        if isinstance(body, dict):
            if body.get("error") == "invalid_client":
                status = 401
                header_map["WWW-Authenticate"] = 'Basic realm="oauth"'
            content: Any = json.dumps(body).encode()
            header_map.pop("Content-Type", None)
            media_type = "application/json"
        else:
            content = body or b""
            media_type = header_map.pop("Content-Type", "text/plain")
        return Response(
            content=content, status_code=status, headers=header_map, media_type=media_type
        )


RESPONSE_MODES = ("query",)
"""What discovery lists; any other ``response_mode`` is refused, not silently ignored."""


def _check_parameters(grant: Any) -> None:
    """Refuse what we do not support instead of ignoring it (the error goes back to the
    client's checked redirect URI, in the query): other response modes, request objects
    (OIDC Core §6: ``request_not_supported``, ``request_uri_not_supported``), a bad max_age."""
    data = grant.request.payload.data
    where = {"redirect_uri": grant.redirect_uri, "state": grant.request.payload.state}
    mode = data.get("response_mode")
    if mode is not None and mode not in RESPONSE_MODES:
        raise InvalidRequestError(f"response_mode {mode!r} is not supported.", **where)
    if "request" in data:
        raise RequestNotSupportedError(**where)
    if "request_uri" in data:
        raise RequestURINotSupportedError(**where)
    _max_age(grant)


def _max_age(grant: Any) -> int | None:
    """The request's ``max_age`` (seconds), or ``None``; anything but a whole number >= 0 is
    an ``invalid_request`` sent back to the client."""
    raw = grant.request.payload.data.get("max_age")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise InvalidRequestError(
            "'max_age' must be a whole number of seconds.",
            redirect_uri=grant.redirect_uri,
            state=grant.request.payload.state,
        )
    return int(raw)


def _must_reauthenticate(grant: Any, member: Member) -> bool:
    """OpenID Connect Core §3.1.2.1: ``prompt=login``, or a sign-in older than
    ``max_age``, MUST make the member authenticate again."""
    if "login" in (grant.request.payload.data.get("prompt") or "").split():
        return True
    max_age = _max_age(grant)
    if max_age is None:
        return False
    auth_time = member.auth_time or 0
    return int(utcnow().timestamp()) - auth_time > max_age


def _describe(error: OAuth2Error) -> str:
    return f"{error.error}: {error.description or 'the request is malformed'}"
