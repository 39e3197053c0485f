"""Our side of the SumUp boundary: owns the ``httpx.AsyncClient`` the SumUp client runs on and
translates SumUp's errors into ours (503 when SumUp is unreachable, 502 when it refuses).

The SumUp client itself (``commerce_api.sumup``) is someone else's module; nothing here
reimplements it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from commerce_api.errors import PaymentProviderError, PaymentUnavailable
from commerce_api.settings import Settings
from commerce_api.sumup import SumUpClient, SumUpError, SumUpRejected, SumUpUnavailable

__all__ = ["SUMUP_LIMITS", "Payments", "translate_sumup_errors"]

SUMUP_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=64)
"""One pool of kept-alive connections for every SumUp call of the process. httpx keeps only 20
idle by default: with more checkouts than that at once, each call beyond the 20th opened a new
connection and closed it after one request. The idle expiry stays httpx's 5 s (uvicorn's and
many servers' keep-alive): a longer one would send on connections the server already closed."""


@contextmanager
def translate_sumup_errors() -> Iterator[None]:
    """Re-raise SumUp's errors as problems a shopper can act on."""
    try:
        yield
    except SumUpUnavailable as exc:
        raise PaymentUnavailable(
            "The payment provider did not answer in time. Your order is kept; "
            "retry the same request in a moment."
        ) from exc
    except SumUpRejected as exc:
        raise PaymentProviderError(f"The payment provider refused the request: {exc}") from exc
    except SumUpError as exc:
        raise PaymentProviderError(f"The payment provider answered unexpectedly: {exc}") from exc


class Payments:
    """The SumUp client for this process, or ``None`` when SumUp is not configured."""

    def __init__(self, client: SumUpClient | None, http: httpx.AsyncClient | None = None) -> None:
        self._client = client
        self._http = http

    @classmethod
    def from_settings(cls, settings: Settings) -> Payments:
        if not (settings.sumup_api_key and settings.sumup_merchant_code):
            return cls(None)
        http = httpx.AsyncClient(
            base_url=settings.sumup_api_url,
            timeout=httpx.Timeout(settings.sumup_timeout_seconds),
            limits=SUMUP_LIMITS,
        )
        client = SumUpClient(
            http, api_key=settings.sumup_api_key, merchant_code=settings.sumup_merchant_code
        )
        return cls(client, http)

    @property
    def client(self) -> SumUpClient:
        if self._client is None:
            raise PaymentUnavailable(
                "Card payments are not configured on this server (SUMUP_API_KEY and "
                "SUMUP_MERCHANT_CODE)."
            )
        return self._client

    @property
    def configured(self) -> bool:
        return self._client is not None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
