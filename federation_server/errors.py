"""Typed errors of the federation server, answered as RFC 9457 problems by the one mapping
both servers share (``server_kernel.problems``).

    FederationError
    ├── BadRequest            400  malformed JSON or ActivityStreams
    ├── Unauthorized          401  unsigned or badly signed request
    ├── Forbidden             403  blocked domain, signer does not own the actor
    ├── NotFound              404  unknown actor, object or resource
    ├── Gone                  410  deleted object (the body is its Tombstone, not a problem)
    ├── PayloadTooLarge       413  inbox body over the limit
    ├── DatabaseUnavailable   503  the database is restarting or unreachable: retry
    └── ManifestError              a build manifest the publisher cannot read (CLI only)

Litestar's own HTTP errors (unknown route, wrong method: 405 with an ``Allow`` that names HEAD
wherever GET is, see ``head``), a bad query parameter (400) and anything unexpected are
answered there too, so a client never sees a traceback.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.openapi import ResponseSpec
from litestar.types import ExceptionHandlersMap

from server_kernel import problems
from server_kernel.problems import PROBLEM_MEDIA_TYPE, ProblemError

PROBLEM_JSON = PROBLEM_MEDIA_TYPE


class FederationError(ProblemError):
    """Base of every error the server raises on purpose."""

    status_code = 400
    slug = "bad-request"
    title = "Bad request"


class BadRequest(FederationError):
    status_code = 400
    slug = "malformed-request"
    title = "Malformed request"


class Unauthorized(FederationError):
    status_code = 401
    slug = "signature-not-accepted"
    title = "Signature not accepted"


class Forbidden(FederationError):
    status_code = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(FederationError):
    status_code = 404
    slug = "not-found"
    title = "Not found"


class Gone(FederationError):
    """The object was deleted; ``tombstone`` is served as the body (ActivityPub §3.2)."""

    status_code = 410
    slug = "gone"
    title = "Gone"

    def __init__(self, tombstone: dict[str, Any]) -> None:
        super().__init__("This object was deleted.")
        self.tombstone = tombstone


class PayloadTooLarge(FederationError):
    status_code = 413
    slug = "payload-too-large"
    title = "Payload too large"


class DatabaseUnavailable(FederationError):
    status_code = 503
    slug = "database-unavailable"
    title = "Briefly unavailable"
    retry_after = 5


class ManifestError(FederationError):
    """A build manifest that cannot be published; the message is one line naming the file."""

    slug = "unusable-manifest"
    title = "Unusable manifest"


def _tombstone(_request: Request[Any, Any, Any], exc: Gone) -> Response[Any]:
    from federation_server.activitypub.jsonld import AP_CONTENT_TYPE, with_context

    return Response(with_context(exc.tombstone), status_code=410, media_type=AP_CONTENT_TYPE)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    **problems.exception_handlers(
        database_unavailable=lambda: DatabaseUnavailable("The database did not answer."),
        invalid_field_status=400,
        head_with_get=True,
    ),
    Gone: _tombstone,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "BadRequest",
    "DatabaseUnavailable",
    "FederationError",
    "Forbidden",
    "Gone",
    "ManifestError",
    "NotFound",
    "PayloadTooLarge",
    "Unauthorized",
    "responses",
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
