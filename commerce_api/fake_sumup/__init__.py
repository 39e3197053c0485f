"""A fake SumUp for tests and ``make serve``: SumUp cannot be reached from here.

Run it: ``python -m commerce_api.fake_sumup --port N [--host 127.0.0.1] [--api-key KEY]``, or
from Python with ``FakeSumUpProcess().start()`` (``.url``, control methods, ``.stop()``).
Checkouts live in memory and vanish with the process.

SumUp endpoints (need ``Authorization: Bearer <any token>``, or exactly ``--api-key``; else
401 problem+json):

- ``POST /v0.1/checkouts`` -> 201 checkout with ``hosted_checkout_url``; 400 legacy
  ``{"message","error_code":"MISSING"|"INVALID","param"}``; 409 ``DUPLICATED_CHECKOUT`` for a
  reference already used by that merchant.
- ``GET /v0.1/checkouts?checkout_reference=R`` -> 200 list; ``GET /v0.1/checkouts/{id}`` ->
  200 or 404 ``{"error_code": "NOT_FOUND"}``.
- ``DELETE /v0.1/checkouts/{id}`` -> 200 EXPIRED; 409 problem+json if not PENDING.
- ``POST /v1.0/merchants/{code}/payments/{transaction_id}/refunds`` ``{"amount"?}`` -> 201
  ``{}``; 404 legacy; 409 problem+json when not refundable (unpaid, or beyond what is left).

Amounts are JSON decimal numbers in major units, checked against the currency's exponent.

Hosted page (the shopper's browser): ``GET /pay/{id}`` shows "Pay" and "Decline" buttons.
Pay sets PAID with a ``transaction_id``/``transaction_code``; Decline sets FAILED. Either way
the fake POSTs the webhook to the checkout's ``return_url`` (old envelope
``{"event_type": "CHECKOUT_STATUS_CHANGED", "id"}`` by default) and then redirects (303) to
``redirect_url``.

Control API for tests (no auth, never faulted):

- ``GET  /_fake/health``                     -> ``{"status": "ok"}`` (readiness)
- ``GET  /_fake/checkouts``                  -> every checkout plus ``refunded_amount`` and
  ``webhook_deliveries`` (url, body, status or error)
- ``GET  /_fake/calls``                     -> ``["GET /v0.1/checkouts/ID", ...]``: every SumUp
  API call answered (after auth), in order
- ``POST /_fake/faults`` ``{"mode", "count", "delay_seconds"}``: the next ``count`` SumUp API
  calls answer 500 (``error500``) or are held ``delay_seconds`` before being served
  normally (``timeout``: the client gives up, the fake still acts, as a real timeout can);
  ``decline`` makes the next ``count`` payments fail; ``none`` clears.
- ``POST /_fake/config`` ``{"webhook_envelope": "old"|"new"}``; new is
  ``{"id","event_type":"checkout.status.updated","payload":{checkout_id,reference,status},
  "timestamp"}``.
- ``POST /_fake/reset``: forget everything (after any call held by a timeout fault ends).
- ``POST /_fake/checkouts/{id}/pay|decline|expire|webhook``: settle without a browser, expire,
  or re-send the webhook (SumUp retries it).
"""

from ._app import create_app
from .process import FakeSumUpProcess

__all__ = ["FakeSumUpProcess", "create_app"]
