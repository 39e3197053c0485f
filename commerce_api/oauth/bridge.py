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
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request, Response

from commerce_api.oauth.server import OAuthServer, PlainRequest
from commerce_api.oauth.store import SyncStore

__all__ = ["OAuthBridge"]

T = TypeVar("T")
FORM = "application/x-www-form-urlencoded"


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
