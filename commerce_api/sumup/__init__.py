"""Our own thin SumUp Checkout API client (SumUp has no usable SDK for us: it
builds its own HTTP client and uses floats).

Use it with an ``httpx.AsyncClient`` whose ``base_url`` is SumUp's API (or the fake)::

    async with httpx.AsyncClient(base_url=settings.sumup_api_url, timeout=10) as http:
        sumup = SumUpClient(http, api_key=..., merchant_code=...)
        checkout = await sumup.create_checkout("order-123", 650, "GBP", "Honey", hook, back)
"""

from ._client import MAX_REFERENCE_LENGTH, SumUpClient
from ._models import Checkout, CheckoutStatus
from ._money import currency_exponent, dumps, major_to_minor, minor_to_major
from .errors import DuplicateCheckout, SumUpError, SumUpRejected, SumUpUnavailable

__all__ = [
    "MAX_REFERENCE_LENGTH",
    "Checkout",
    "CheckoutStatus",
    "DuplicateCheckout",
    "SumUpClient",
    "SumUpError",
    "SumUpRejected",
    "SumUpUnavailable",
    "currency_exponent",
    "dumps",
    "major_to_minor",
    "minor_to_major",
]
