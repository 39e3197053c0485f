"""The one mapping from errors to RFC 9457 problem details (``application/problem+json``).

Each server keeps its own tree of typed errors in its ``errors.py``, rooted in
:class:`ProblemError`; :func:`exception_handlers` answers them, Litestar's own errors
(validation, unknown route, 405 with ``Allow``, 413, 429) and anything unexpected, the same way
in both servers::

    ProblemError          status_code, slug, title, detail, field, extra
                          (``retry_after``: a ``Retry-After`` header, e.g. on a 503)
    ValidationException   400 for a malformed body, else the server's status for a bad field
    HTTPException         its status, a title from the table below, its headers (``Allow``)
    RecursionError        400 when a JSON decoder gave up on nesting, else as unexpected
    Exception             503 for a database that is away (see :func:`database_down`),
                          else a bare 500 with nothing of the traceback, logged here

Litestar ships a problem-details plugin (``litestar.plugins.problem_details``); it converts an
exception to a ``ProblemDetailsException`` without the request, so it cannot say which path
failed (``instance``), log it, or tell a database outage from a bug, and it titles every
``HTTPException`` with its detail. What it would leave us is a dict of handlers and a dict
renderer, which is what this module is.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from sqlalchemy import exc as sa_exc

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "FieldError",
    "Problem",
    "ProblemError",
    "database_down",
    "exception_handlers",
    "problem_response",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:rose-ash:problem:"
log = logging.getLogger(__name__)


class ProblemError(Exception):
    """Base of the typed errors; subclasses set ``status_code``, ``slug`` and ``title``.

    ``detail`` says what went wrong this time (the title when empty); ``field`` names the
    input at fault; other keyword arguments are added to the problem's members.
    """

    status_code: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    retry_after: ClassVar[int | None] = None
    """Seconds for a ``Retry-After`` header (an outage the client should wait out)."""

    def __init__(self, detail: str = "", *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.field = field
        self.extra = extra


@dataclass
class FieldError:
    """One problem with one input: ``field`` is a body key, a query or header name."""

    field: str
    message: str


@dataclass
class Problem:
    """The problem+json body, for OpenAPI ``ResponseSpec(data_container=Problem)``."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    field: str | None = None
    """The first offending input, if any (also in ``errors``)."""
    errors: list[FieldError] = dataclasses.field(default_factory=list)


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    errors: list[FieldError] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["field"] = errors[0].field
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


#: Errors that mean "no usable database connection", not a bug in our query: the server is
#: restarting or refusing connections (raised by asyncpg at connect, outside SQLAlchemy's
#: wrapping) or a connection cut mid-statement.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
    # "another operation is in progress": a pooled connection the server ended mid-use.
    asyncpg.InternalClientError,
)
#: SQLSTATE classes of a database that is going away or not there: connection exception (08)
#: and operator intervention (57: shutdown, restart, cannot connect now).
_DOWN_SQLSTATE_CLASSES = ("08", "57")
#: SQLite's words for a file another process holds or that cannot be opened.
_SQLITE_BUSY = ("database is locked", "unable to open database file")


def database_down(exc: BaseException) -> bool:
    """A transient outage (503, try again) rather than a bug (500): a broken schema or a bad
    statement is an OperationalError too, and must not be retried as if it would pass."""
    if isinstance(exc, _CONNECTION_ERRORS):
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    # SQLAlchemy's asyncpg adapter raises its own error class "from" asyncpg's.
    driver_error = getattr(exc.orig, "__cause__", None)
    if exc.connection_invalidated or isinstance(exc.orig, _CONNECTION_ERRORS):
        return True
    if isinstance(driver_error, _CONNECTION_ERRORS):
        return True
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    if sqlstate[:2] in _DOWN_SQLSTATE_CLASSES:
        return True
    return isinstance(exc, sa_exc.OperationalError) and any(
        words in str(exc.orig) for words in _SQLITE_BUSY
    )


_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Sign-in required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}
_MISSING = re.compile(r"missing required field `([^`]+)`")


def _field_name(entry: dict[str, Any]) -> str:
    """The input a Litestar/msgspec validation error is about (``data`` means the body)."""
    key = str(entry.get("key") or "").removeprefix("$.")
    if key in ("", "data"):
        missing = _MISSING.search(str(entry.get("message", "")))
        return missing.group(1) if missing else "body"
    return key


def _allow_with_head(headers: dict[str, str]) -> dict[str, str]:
    """A 405's ``Allow`` (RFC 9110 §15.5.6) naming HEAD wherever GET is."""
    allowed = headers.get("allow") or headers.get("Allow")
    if allowed is None:
        return headers
    methods = {m.strip().upper() for m in allowed.split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    rest = {k: v for k, v in headers.items() if k.lower() != "allow"}
    return {**rest, "Allow": ", ".join(sorted(methods))}


def exception_handlers(
    *,
    database_unavailable: Callable[[], ProblemError],
    invalid_field_status: int = 422,
    head_with_get: bool = False,
) -> ExceptionHandlersMap:
    """The handlers for ``Litestar(exception_handlers=...)``.

    ``database_unavailable`` makes the server's 503 error for a database that is away;
    ``invalid_field_status`` answers a request whose body parsed but whose fields (or query
    parameters) are wrong; ``head_with_get``: the app answers HEAD wherever it answers GET,
    so a 405's ``Allow`` says so.
    """

    def typed(request: Request[Any, Any, Any], exc: ProblemError) -> Response[bytes]:
        errors = [FieldError(exc.field, exc.detail)] if exc.field else None
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return problem_response(
            exc.status_code,
            exc.slug,
            exc.title,
            exc.detail,
            instance=request.url.path,
            errors=errors,
            extra=exc.extra,
            headers=headers,
        )

    def validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
        extra = exc.extra if isinstance(exc.extra, list) else []
        errors = [
            FieldError(_field_name(e), str(e.get("message", "invalid")))
            for e in extra
            if isinstance(e, dict)
        ]
        if not errors:
            errors = [FieldError("body", str(exc.detail))]
        status = 400 if any(e.field == "body" for e in errors) else invalid_field_status
        slug, title = (
            ("malformed-request", "Malformed request")
            if status == 400
            else ("invalid-input", "Invalid input")
        )
        return problem_response(
            status,
            slug,
            title,
            "; ".join(f"{e.field}: {e.message}" for e in errors),
            instance=request.url.path,
            errors=errors,
        )

    def http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
        status = exc.status_code
        if status >= 500:
            return unexpected(request, exc)
        slug, title = _HTTP_SLUGS.get(status, ("client-error", "Client error"))
        detail = str(exc.detail) if exc.detail else None
        errors = [FieldError("body", detail or title)] if status in (400, 413, 415) else None
        headers = exc.headers
        if status == 405 and head_with_get and headers:
            headers = _allow_with_head(headers)
        return problem_response(
            status, slug, title, detail, instance=request.url.path, errors=errors, headers=headers
        )

    def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
        if database_down(exc):
            log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
            return typed(request, database_unavailable())
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(
            500,
            "internal-error",
            "Internal error",
            "Something went wrong on our side; it has been logged.",
            instance=request.url.path,
        )

    def too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[bytes]:
        """msgspec and ``json`` raise ``RecursionError`` on bodies nested past their limit:
        bad input, so a 400 and nothing logged; any other ``RecursionError`` is our bug."""
        if "serializ" not in str(exc) and "decoding" not in str(exc):
            return unexpected(request, exc)
        return problem_response(
            400,
            "malformed-request",
            "Malformed request",
            "body: the JSON is nested too deeply",
            instance=request.url.path,
            errors=[FieldError("body", "the JSON is nested too deeply")],
        )

    return {
        RecursionError: too_deep,
        ProblemError: typed,
        ValidationException: validation,
        HTTPException: http,
        Exception: unexpected,
    }
