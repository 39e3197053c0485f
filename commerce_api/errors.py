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

They are answered by the one mapping both servers share (``server_kernel.problems``):
Litestar's own errors (validation, 404 routes, 405, 413 bodies) the same way, anything
unexpected as a bare 500 problem with no traceback, except a lost database connection (a
PostgreSQL restart, a busy SQLite file), which is the 503 of ``DatabaseUnavailable``: the
transaction rolled back, so a retry with the same Idempotency-Key is safe. A body nested too
deeply for the JSON decoder (``RecursionError``) is a 400, not a 500, and logs nothing.
"""

from __future__ import annotations

from http import HTTPStatus

from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec

from server_kernel import problems
from server_kernel.problems import (
    PROBLEM_MEDIA_TYPE,
    FieldError,
    Problem,
    ProblemError,
    problem_response,
)

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


class CommerceError(ProblemError):
    """Base of our typed errors; subclasses set ``status_code``, ``slug`` and ``title``."""

    status_code = 400
    slug = "bad-request"
    title = "Bad request"


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
    retry_after = 5


class DatabaseUnavailable(CommerceError):
    status_code = 503
    slug = "database-unavailable"
    title = "The shop is briefly unavailable"
    retry_after = 5


exception_handlers = problems.exception_handlers(
    database_unavailable=lambda: DatabaseUnavailable(
        "The database did not answer; please try again."
    )
)


def responses(
    *errors: type[CommerceError] | type[HTTPException], media_type: str = PROBLEM_MEDIA_TYPE
) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses=`` for a handler: one entry per status it can raise (a Litestar
    ``HTTPException`` such as a 429 too), answered as ``media_type``."""
    by_status: dict[int, list[str]] = {}
    for error in (*errors, InvalidInput):
        title = getattr(error, "title", None) or HTTPStatus(error.status_code).phrase
        by_status.setdefault(error.status_code, []).append(title)
    return {
        status: ResponseSpec(
            data_container=Problem if media_type == PROBLEM_MEDIA_TYPE else str,
            description="; ".join(dict.fromkeys(titles)),
            media_type=media_type,
        )
        for status, titles in sorted(by_status.items())
    }
