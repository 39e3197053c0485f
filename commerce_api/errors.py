"""Every error a user can meet, and the one place that turns errors into RFC 9457 problems.

::

    CommerceError                      our own errors (status, slug, title, detail, field)
    ├── InvalidInput            422    a value is wrong; ``field`` names it
    │   ├── UnknownItem         422    no such product or ticket type (or no longer sold)
    │   ├── CurrencyMismatch    422    a cart holds one currency
    │   └── EmptyCart           422    nothing to check out
    ├── BadRequest              400    the request itself is malformed (a header, a token)
    ├── Unauthorized            401
    ├── Forbidden               403
    ├── NotFound                404
    ├── Conflict                409    the state does not allow it (order already paid...)
    │   └── OutOfStock          409    not enough stock or places left
    ├── PayloadTooLarge         413    body over MAX_BODY_BYTES (raised by Litestar)
    ├── UnsupportedMediaType    415    a cookie-carrying body that is neither JSON nor a form
    ├── PaymentProviderError    502    SumUp refused or answered nonsense
    ├── PaymentUnavailable      503    SumUp unreachable or timed out: retry, nothing is lost
    └── DatabaseUnavailable     503    the database is restarting or unreachable: retry

Litestar's own errors (validation, 404 routes, 405, 413 bodies) go through the same
:func:`problem_response`, and anything unexpected becomes a bare 500 problem with no
traceback, except a lost database connection (a PostgreSQL restart, a busy SQLite file),
which is the 503 of ``DatabaseUnavailable``: the transaction rolled back, so a retry with
the same Idempotency-Key is safe. A body nested too deeply for the JSON decoder
(``RecursionError``) is a 400, not a 500, and logs nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import exc as sa_exc

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "BadRequest",
    "CommerceError",
    "Conflict",
    "CurrencyMismatch",
    "DatabaseUnavailable",
    "EmptyCart",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "OutOfStock",
    "PayloadTooLarge",
    "PaymentProviderError",
    "PaymentUnavailable",
    "Problem",
    "Unauthorized",
    "UnknownItem",
    "UnsupportedMediaType",
    "exception_handlers",
    "problem_response",
    "responses",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:rose-ash:problem:"
log = logging.getLogger(__name__)


class CommerceError(Exception):
    """Base of our typed errors; subclasses set ``status_code``, ``slug`` and ``title``."""

    status_code: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class InvalidInput(CommerceError):
    status_code = 422
    slug = "invalid-input"
    title = "Invalid input"


class UnknownItem(InvalidInput):
    slug = "unknown-item"
    title = "Unknown product or ticket"


class CurrencyMismatch(InvalidInput):
    slug = "currency-mismatch"
    title = "A cart holds one currency"


class EmptyCart(InvalidInput):
    slug = "empty-cart"
    title = "The cart is empty"


class BadRequest(CommerceError):
    status_code = 400
    slug = "bad-request"
    title = "Bad request"


class Unauthorized(CommerceError):
    status_code = 401
    slug = "unauthorized"
    title = "Sign-in required"


class Forbidden(CommerceError):
    status_code = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(CommerceError):
    status_code = 404
    slug = "not-found"
    title = "Not found"


class Conflict(CommerceError):
    status_code = 409
    slug = "conflict"
    title = "Conflict with the current state"


class OutOfStock(Conflict):
    slug = "out-of-stock"
    title = "Not enough stock"


class PayloadTooLarge(CommerceError):
    """Documented for handlers with a body; raised by Litestar past ``MAX_BODY_BYTES``."""

    status_code = 413
    slug = "payload-too-large"
    title = "Request body too large"


class UnsupportedMediaType(CommerceError):
    status_code = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class PaymentProviderError(CommerceError):
    status_code = 502
    slug = "payment-provider-error"
    title = "The payment provider refused the request"


class PaymentUnavailable(CommerceError):
    status_code = 503
    slug = "payment-provider-unavailable"
    title = "The payment provider is unavailable"


class DatabaseUnavailable(CommerceError):
    status_code = 503
    slug = "database-unavailable"
    title = "The shop is briefly unavailable"


#: Errors that mean "no usable database connection", not a bug in our query: the server is
#: restarting or refusing connections (raised by asyncpg at connect, outside SQLAlchemy's
#: wrapping) or a connection cut mid-statement.
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
)
#: SQLSTATE classes of a database that is going away or not there: connection exception (08)
#: and operator intervention (57: shutdown, restart, cannot connect now).
_DOWN_SQLSTATE_CLASSES = ("08", "57")
#: SQLite's words for a file another process holds or that cannot be opened.
_SQLITE_BUSY = ("database is locked", "unable to open database file")


def _database_down(exc: BaseException) -> bool:
    """A transient outage (503, try again) rather than a bug (500): a broken schema or a bad
    statement is an OperationalError too, and must not be retried as if it would pass."""
    if isinstance(exc, _CONNECTION_ERRORS):
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc.orig, _CONNECTION_ERRORS):
        return True
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    if sqlstate[:2] in _DOWN_SQLSTATE_CLASSES:
        return True
    return isinstance(exc, sa_exc.OperationalError) and any(
        words in str(exc.orig) for words in _SQLITE_BUSY
    )


@dataclass
class FieldError:
    """One problem with one input: ``field`` is a body key, a query or header name."""

    field: str
    message: str


@dataclass
class Problem:
    """RFC 9457 problem details (``application/problem+json``)."""

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
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
    }
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


def _commerce_error(request: Request[Any, Any, Any], exc: CommerceError) -> Response[bytes]:
    errors = [FieldError(exc.field, exc.detail)] if exc.field else None
    headers = (
        {"Retry-After": "5"} if isinstance(exc, PaymentUnavailable | DatabaseUnavailable) else None
    )
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


_MISSING = re.compile(r"missing required field `([^`]+)`")


def _field_name(entry: dict[str, Any]) -> str:
    """The input a Litestar/msgspec validation error is about (``data`` means the body)."""
    key = str(entry.get("key") or "").removeprefix("$.")
    if key in ("", "data"):
        missing = _MISSING.search(str(entry.get("message", "")))
        return missing.group(1) if missing else "body"
    return key


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(_field_name(e), str(e.get("message", "invalid")))
        for e in extra
        if isinstance(e, dict)
    ]
    if not errors:
        errors = [FieldError("body", str(exc.detail))]
    status = 400 if any(e.field == "body" for e in errors) else 422
    return problem_response(
        status,
        "malformed-request" if status == 400 else "invalid-input",
        "Malformed request" if status == 400 else "Invalid input",
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        instance=request.url.path,
        errors=errors,
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


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if status >= 500:
        return _unexpected(request, exc)
    slug, title = _HTTP_SLUGS.get(status, ("client-error", "Client error"))
    detail = str(exc.detail) if exc.detail else None
    errors = [FieldError("body", detail or title)] if status in (400, 413, 415) else None
    return problem_response(
        status, slug, title, detail, instance=request.url.path, errors=errors, headers=exc.headers
    )


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    if _database_down(exc):
        log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return _commerce_error(
            request, DatabaseUnavailable("The database did not answer; please try again.")
        )
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500,
        "internal-error",
        "Internal error",
        "Something went wrong on our side; it has been logged.",
        instance=request.url.path,
    )


def _too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[bytes]:
    """msgspec and ``json`` raise ``RecursionError`` on bodies nested past their limit: bad
    input, so a 400 and nothing logged; any other ``RecursionError`` is our bug."""
    if "serializ" not in str(exc) and "decoding" not in str(exc):
        return _unexpected(request, exc)
    return problem_response(
        400,
        "malformed-request",
        "Malformed request",
        "body: the JSON is nested too deeply",
        instance=request.url.path,
        errors=[FieldError("body", "the JSON is nested too deeply")],
    )


exception_handlers: dict[type[Exception], Any] = {
    RecursionError: _too_deep,
    CommerceError: _commerce_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}


def responses(*errors: type[CommerceError]) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses=`` for a handler: one problem+json entry per status it can raise."""
    by_status: dict[int, list[str]] = {}
    for error in (*errors, InvalidInput):
        by_status.setdefault(error.status_code, []).append(error.title)
    return {
        status: ResponseSpec(
            data_container=Problem,
            description="; ".join(dict.fromkeys(titles)),
            media_type=PROBLEM_MEDIA_TYPE,
        )
        for status, titles in sorted(by_status.items())
    }
