"""A thin client for the part of SumUp's Checkout API we use, on an injected httpx client.

The caller owns the ``httpx.AsyncClient`` (base URL, timeouts, transport, lifetime); this class
only shapes requests and translates answers. Library errors become ``SumUpError`` subclasses
here and nowhere else. The API key goes only into the Authorization header: it is never
logged and never part of ``repr``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import httpx

from ._models import Checkout
from ._money import dumps, minor_to_major
from .errors import DuplicateCheckout, SumUpError, SumUpRejected, SumUpUnavailable

__all__ = ["SumUpClient"]

log = logging.getLogger(__name__)

#: SumUp keeps ``checkout_reference`` to at most 64 characters.
MAX_REFERENCE_LENGTH = 64


class SumUpClient:
    """Create, read, look up, deactivate and refund SumUp checkouts."""

    def __init__(self, http: httpx.AsyncClient, *, api_key: str, merchant_code: str) -> None:
        if not api_key:
            raise ValueError("a SumUp API key is required")
        if not merchant_code:
            raise ValueError("a SumUp merchant code is required")
        self._http = http
        self._api_key = api_key
        self.merchant_code = merchant_code

    def __repr__(self) -> str:
        return f"SumUpClient(base_url={str(self._http.base_url)!r}, merchant_code=...)"

    async def create_checkout(
        self,
        reference: str,
        amount_minor: int,
        currency: str,
        description: str,
        return_url: str | None,
        redirect_url: str | None,
    ) -> Checkout:
        """Create a hosted checkout; a repeated reference returns the existing checkout.

        SumUp has no idempotency header: a second create with the same reference answers
        409 DUPLICATED_CHECKOUT, which we resolve by looking the reference up. If the
        checkout found is for a different amount or currency, that is a bug on our side and
        raises ``DuplicateCheckout`` rather than silently charging the wrong sum.
        """
        if not reference or len(reference) > MAX_REFERENCE_LENGTH:
            raise ValueError(f"checkout reference must be 1..{MAX_REFERENCE_LENGTH} characters")
        currency = currency.upper()
        body: dict[str, Any] = {
            "checkout_reference": reference,
            "amount": minor_to_major(amount_minor, currency),
            "currency": currency,
            "merchant_code": self.merchant_code,
            "description": description,
            "hosted_checkout": {"enabled": True},
        }
        if return_url:
            body["return_url"] = return_url
        if redirect_url:
            body["redirect_url"] = redirect_url
        try:
            data = await self._request("POST", "/v0.1/checkouts", json_body=body)
        except SumUpRejected as exc:
            if exc.status_code != 409 or exc.error_code not in (None, "DUPLICATED_CHECKOUT"):
                raise
            existing = await self.find_checkout_by_reference(reference)
            if existing is None:
                raise DuplicateCheckout(
                    409,
                    f"checkout {reference!r} exists but could not be looked up",
                    error_code="DUPLICATED_CHECKOUT",
                ) from exc
            if (existing.amount_minor, existing.currency) != (amount_minor, currency):
                raise DuplicateCheckout(
                    409,
                    f"checkout {reference!r} exists for a different amount",
                    error_code="DUPLICATED_CHECKOUT",
                ) from exc
            log.info("SumUp checkout %s already existed; reusing it", reference)
            return existing
        return Checkout.from_api(data)

    async def get_checkout(self, checkout_id: str) -> Checkout:
        """The checkout as SumUp sees it now (the only trustworthy payment status)."""
        return Checkout.from_api(await self._request("GET", f"/v0.1/checkouts/{_seg(checkout_id)}"))

    async def find_checkout_by_reference(self, reference: str) -> Checkout | None:
        """The checkout created with our ``reference``, or None if SumUp has none."""
        data = await self._request(
            "GET", "/v0.1/checkouts", params={"checkout_reference": reference}
        )
        if not isinstance(data, list):
            raise SumUpError("SumUp checkout list is not a JSON array")
        matches = [Checkout.from_api(item) for item in data]
        matches = [c for c in matches if c.reference == reference] or matches
        return matches[0] if matches else None

    async def deactivate_checkout(self, checkout_id: str) -> Checkout:
        """Close an unpaid checkout (SumUp marks it EXPIRED; 409 if already processed)."""
        data = await self._request("DELETE", f"/v0.1/checkouts/{_seg(checkout_id)}")
        return Checkout.from_api(data)

    async def refund(self, transaction_id: str, amount_minor: int | None, currency: str) -> None:
        """Refund a paid transaction in full (``amount_minor=None``) or in part."""
        body: dict[str, Any] = {}
        if amount_minor is not None:
            if amount_minor <= 0:
                raise ValueError("a refund amount must be positive")
            body["amount"] = minor_to_major(amount_minor, currency.upper())
        path = f"/v1.0/merchants/{_seg(self.merchant_code)}/payments/{_seg(transaction_id)}/refunds"
        await self._request("POST", path, json_body=body)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        content = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            content = dumps(json_body)
        try:
            response = await self._http.request(
                method, path, content=content, params=params, headers=headers
            )
        except httpx.TimeoutException as exc:
            log.warning("SumUp %s %s timed out", method, path)
            raise SumUpUnavailable(f"SumUp timed out on {method} {path}") from exc
        except httpx.TransportError as exc:
            log.warning("SumUp %s %s failed: %s", method, path, type(exc).__name__)
            raise SumUpUnavailable(f"SumUp unreachable on {method} {path}") from exc
        log.debug("SumUp %s %s -> %s", method, path, response.status_code)
        status = response.status_code
        if status >= 500 or status == 429:
            message = f"SumUp answered {status} on {method} {path}"
            raise SumUpUnavailable(message, status_code=status)
        if status >= 400:
            raise SumUpRejected.from_body(status, _decode(response, strict=False))
        if status == 204 or not response.content:
            return None
        return _decode(response, strict=True)


def _decode(response: httpx.Response, *, strict: bool) -> Any:
    try:
        return response.json(parse_float=Decimal)
    except ValueError as exc:
        if strict:
            raise SumUpError(f"SumUp sent non-JSON ({response.status_code})") from exc
        return None


def _seg(value: str) -> str:
    """One URL path segment; refuse anything that would change the path."""
    if not value or "/" in value or value in {".", ".."} or "?" in value or "#" in value:
        raise ValueError(f"not a valid SumUp identifier: {value!r}")
    return value
