"""Account errors, as subclasses of the API's typed errors (mapped to problem+json in
:mod:`commerce_api.errors`). Messages never say whether an email is registered."""

from __future__ import annotations

from litestar.exceptions import TooManyRequestsException

from commerce_api.errors import BadRequest, Forbidden, InvalidInput, Unauthorized

__all__ = [
    "CsrfRejected",
    "EmailNotVerified",
    "InvalidCredentials",
    "InvalidLink",
    "SignInRequired",
    "TooManyAttempts",
    "WeakPassword",
]


class InvalidCredentials(Unauthorized):
    slug = "invalid-credentials"
    title = "Email or password is wrong"


class EmailNotVerified(Forbidden):
    slug = "email-not-verified"
    title = "Confirm your email address first"


class SignInRequired(Unauthorized):
    slug = "sign-in-required"
    title = "Sign-in required"


class InvalidLink(BadRequest):
    slug = "invalid-or-expired-link"
    title = "This link is invalid, expired or already used"


class WeakPassword(InvalidInput):
    slug = "weak-password"
    title = "Choose a stronger password"


class CsrfRejected(Forbidden):
    slug = "csrf-token-missing-or-wrong"
    title = "Missing or wrong CSRF token"


class TooManyAttempts(TooManyRequestsException):
    """429 with ``Retry-After``; rendered by the shared HTTP-error handler."""

    def __init__(
        self, retry_after: int, detail: str = "Too many failed sign-ins; wait before trying again."
    ) -> None:
        super().__init__(
            detail=detail,
            headers={"Retry-After": str(max(1, retry_after))},
        )
        self.retry_after = max(1, retry_after)
