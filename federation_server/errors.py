"""Typed errors of the federation server, mapped to RFC 9457 problem responses in one place.

    FederationError
    ├── BadRequest          400  malformed JSON or ActivityStreams
    ├── Unauthorized        401  unsigned or badly signed request
    ├── Forbidden           403  blocked domain, signer does not own the actor
    ├── NotFound            404  unknown actor, object or resource
    ├── Gone                410  deleted object (the body is its Tombstone)
    ├── PayloadTooLarge     413  inbox body over the limit
    └── ManifestError            a build manifest the publisher cannot read (CLI only)

Litestar's own HTTP errors (unknown route, wrong method) and anything unexpected are
translated here too, so a client never sees a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FederationError(Exception):
    """Base of every error the server raises on purpose."""

    status_code = 400
    title = "Bad request"

    def __init__(self, detail: str = "", *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra or {}


class BadRequest(FederationError):
    status_code = 400
    title = "Malformed request"


class Unauthorized(FederationError):
    status_code = 401
    title = "Signature not accepted"


class Forbidden(FederationError):
    status_code = 403
    title = "Forbidden"


class NotFound(FederationError):
    status_code = 404
    title = "Not found"


class Gone(FederationError):
    """The object was deleted; ``tombstone`` is served as the body (ActivityPub §3.2)."""

    status_code = 410
    title = "Gone"

    def __init__(self, tombstone: dict[str, Any]) -> None:
        super().__init__("This object was deleted.")
        self.tombstone = tombstone


class PayloadTooLarge(FederationError):
    status_code = 413
    title = "Payload too large"


class ManifestError(FederationError):
    """A build manifest that cannot be published; the message is one line naming the file."""

    title = "Unusable manifest"


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response[dict[str, Any]]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _allow(exc: HTTPException) -> dict[str, str] | None:
    """A 405's ``Allow`` (RFC 9110 §15.5.6), with HEAD wherever GET is (see ``head``)."""
    allowed = (exc.headers or {}).get("allow") or (exc.headers or {}).get("Allow")
    if exc.status_code != 405 or allowed is None:
        return None
    methods = [m.strip().upper() for m in allowed.split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.append("HEAD")
    return {"Allow": ", ".join(sorted(set(methods)))}


def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The single exception handler registered on the app."""
    if isinstance(exc, Gone):
        from federation_server.activitypub.jsonld import AP_CONTENT_TYPE, with_context

        return Response(with_context(exc.tombstone), status_code=410, media_type=AP_CONTENT_TYPE)
    if isinstance(exc, FederationError):
        return problem(exc.status_code, exc.title, exc.detail, **exc.extra)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        title = "Not found" if status == 404 else "Request not accepted"
        return problem(status, title, str(exc.detail), _allow(exc))
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "The server could not handle this request.")


EXCEPTION_HANDLERS = {Exception: handle_error}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "BadRequest",
    "FederationError",
    "Forbidden",
    "Gone",
    "ManifestError",
    "NotFound",
    "PayloadTooLarge",
    "Unauthorized",
    "handle_error",
    "problem",
]


def responses(*errors: type[FederationError]) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses=`` for a handler: what each error it can raise is answered with
    (problem+json; a Tombstone for Gone), so the schema says what the server does."""
    from federation_server.activitypub.jsonld import AP_CONTENT_TYPE

    return {
        error.status_code: ResponseSpec(
            data_container=dict[str, Any],
            description=error.title,
            media_type=AP_CONTENT_TYPE if error is Gone else PROBLEM_JSON,
        )
        for error in errors
    }
