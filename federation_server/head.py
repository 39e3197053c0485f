"""HEAD answers exactly like GET, without the body (RFC 9110 §9.3.2), on every URL.

Litestar routes HEAD only to handlers declared for it; wrapping the app's ASGI handler
(outside its router) lets every GET route answer HEAD with the same status and headers.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def head_as_get(app: ASGIApp) -> ASGIApp:
    """``app`` with HEAD requests served as GET and their body dropped."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        get: Any = {**scope, "method": "GET"}
        await app(get, receive, without_body)

    return handle
