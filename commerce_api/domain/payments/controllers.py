"""``POST /webhooks/sumup``: acknowledge at once, confirm in the background.

The body is not signed, so only the checkout id is taken from it; the confirmation asks SumUp
for the status, and only about a checkout one of our orders has (any other id costs one
database read, never a call to SumUp). Each client address gets
``WEBHOOK_REQUESTS_PER_MINUTE`` requests a minute, then 429.

Both envelopes are accepted (``CHECKOUT_STATUS_CHANGED`` with ``id``, and
``checkout.status.updated`` with ``payload.checkout_id``); anything else is acknowledged and
ignored so SumUp does not keep retrying it. If the confirmation fails (SumUp down), the
shopper's return or the expiry sweep settles the order later.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from litestar import Response, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import JSONBody

from commerce_api.deps import DbDep, PaymentsDep
from commerce_api.domain.orders import confirm_checkout
from commerce_api.errors import PayloadTooLarge, responses

__all__ = ["WebhookAck", "checkout_id_of", "sumup_webhook"]

log = logging.getLogger(__name__)
_CHECKOUT_ID = re.compile(r"[A-Za-z0-9_.-]{1,100}")
EVENTS = ("CHECKOUT_STATUS_CHANGED", "checkout.status.updated")
#: SumUp sends one notice per status change (and retries a failed one); more than this from
#: one address in a minute is not SumUp. Counted per process (client address as uvicorn sees
#: it: the proxy's X-Forwarded-For from a trusted proxy), so N processes allow N times this.
WEBHOOK_REQUESTS_PER_MINUTE = 60
_webhook_rate = RateLimitConfig(rate_limit=("minute", WEBHOOK_REQUESTS_PER_MINUTE))


@dataclass
class WebhookAck:
    status: str
    """``accepted`` (will be confirmed with SumUp) or ``ignored``."""


def checkout_id_of(body: Any) -> str | None:
    """The checkout id in either webhook envelope, or None for anything else."""
    if not isinstance(body, dict):
        return None
    event = body.get("event_type")
    if event == "CHECKOUT_STATUS_CHANGED":
        candidate = body.get("id")
    elif event == "checkout.status.updated":
        payload = body.get("payload")
        candidate = payload.get("checkout_id") if isinstance(payload, dict) else None
    else:
        return None
    if isinstance(candidate, str) and _CHECKOUT_ID.fullmatch(candidate):
        return candidate
    return None


async def _confirm(db: DbDep, payments: PaymentsDep, checkout_id: str) -> None:
    try:
        await confirm_checkout(db, payments, checkout_id)
    except Exception:
        log.exception("webhook confirmation of checkout %s failed; will settle later", checkout_id)


@post(
    "/webhooks/sumup",
    tags=["payments"],
    summary="SumUp checkout status webhook",
    status_code=200,
    responses=responses(PayloadTooLarge, TooManyRequestsException),
    middleware=[_webhook_rate.middleware],
)
async def sumup_webhook(
    db: DbDep, payments: PaymentsDep, data: JSONBody[dict[str, Any]]
) -> Response[WebhookAck]:
    checkout_id = checkout_id_of(data)
    if checkout_id is None or not payments.configured:
        log.info("webhook ignored: event %r", data.get("event_type"))
        return Response(WebhookAck("ignored"))
    return Response(
        WebhookAck("accepted"), background=BackgroundTask(_confirm, db, payments, checkout_id)
    )
