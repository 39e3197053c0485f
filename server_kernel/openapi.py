"""The OpenAPI document a server serves, completed in one place with what its handlers do not
declare one by one: the answers every operation shares (a malformed request, a body over the
limit, a database that is away) and the media type its errors really have.

Litestar builds the document from the handlers and offers no hook after that; the JSON render
plugin is the one place that sees the finished document, so :class:`CompletedOpenAPI` hands it
to the server's ``complete`` function once, before the first ``/schema/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

__all__ = [
    "METHODS",
    "CompletedOpenAPI",
    "operations",
    "response",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Document = dict[str, Any]


class CompletedOpenAPI(JsonRenderPlugin):
    """``/schema/openapi.json``, after ``complete(document)`` (run once, in place)."""

    def __init__(self, complete: Callable[[Document], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._complete = complete
        self._completed: int | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: Document) -> bytes:
        if self._completed != id(openapi_schema):
            self._complete(openapi_schema)
            self._completed = id(openapi_schema)
        return super().render(request, openapi_schema)


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every ``(path, method, operation)`` of ``document``."""
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def response(
    description: str, media_types: tuple[str, ...], schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One OpenAPI response object answered as any of ``media_types``."""
    return {
        "description": description,
        "content": {media_type: {"schema": schema or {}} for media_type in media_types},
    }
