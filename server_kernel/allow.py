"""``OPTIONS`` answers with an ``Allow`` that names every method of the path (RFC 9110
§9.3.7), which the OpenAPI document and a client's tooling compare against."""

from __future__ import annotations

from typing import Any

__all__ = ["allow_every_method"]


async def allow_every_method(message: Any, scope: Any) -> None:
    """A ``before_send`` hook. Litestar builds the automatic OPTIONS handler of a path for
    the first handler registered on it and keeps it when more handlers join the path, so its
    ``Allow`` named only that handler's methods (GET missing beside PATCH, DELETE beside PUT);
    here it names every method of the route."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    template = scope.get("path_template")
    route = next((r for r in scope["app"].routes if r.path_format == template), None)
    if route is None or not getattr(route, "methods", None):
        return
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
    message["headers"] = [*headers, (b"allow", ", ".join(sorted(route.methods)).encode())]
