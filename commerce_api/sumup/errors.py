"""Every error the SumUp client raises, in one place.

::

    SumUpError                 anything that went wrong talking to SumUp
    ├── SumUpUnavailable       5xx, 429, timeouts, network faults: retry later, nothing is lost
    └── SumUpRejected          4xx: SumUp understood and said no (fix the request)
        └── DuplicateCheckout  409 for a reused checkout_reference that could not be recovered

``SumUpRejected`` carries what SumUp said, parsed from either error shape it uses: the legacy
``{"message", "error_code", "param"}`` (sometimes inside a list) and RFC 9457
``application/problem+json`` (``type``, ``title``, ``status``, ``detail``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DuplicateCheckout", "SumUpError", "SumUpRejected", "SumUpUnavailable"]


class SumUpError(Exception):
    """Base class: the call to SumUp did not give a usable answer."""


class SumUpUnavailable(SumUpError):
    """SumUp could not be reached or failed on its side (5xx, 429, timeout, network)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class SumUpRejected(SumUpError):
    """SumUp answered 4xx. ``error_code``/``param`` (legacy) or ``problem_type`` (RFC 9457)."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        error_code: str | None = None,
        param: str | None = None,
        problem_type: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(f"SumUp {status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.error_code = error_code
        self.param = param
        self.problem_type = problem_type
        self.title = title

    @classmethod
    def from_body(cls, status_code: int, body: Any) -> SumUpRejected:
        """Build from a decoded error body of either shape (or anything else SumUp sends)."""
        if isinstance(body, list) and body and isinstance(body[0], dict):
            body = body[0]
        if not isinstance(body, dict):
            return cls(status_code, "unexpected error body")
        if "error_code" in body or ("message" in body and "type" not in body):
            return cls(
                status_code,
                str(body.get("message") or body.get("error_code") or "error"),
                error_code=_opt_str(body.get("error_code")),
                param=_opt_str(body.get("param")),
            )
        return cls(
            status_code,
            str(body.get("detail") or body.get("title") or "error"),
            problem_type=_opt_str(body.get("type")),
            title=_opt_str(body.get("title")),
            error_code=_opt_str(body.get("error_code") or body.get("code")),
            param=_opt_str(body.get("param")),
        )


class DuplicateCheckout(SumUpRejected):
    """A checkout with this reference exists and does not match, or could not be found."""


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
