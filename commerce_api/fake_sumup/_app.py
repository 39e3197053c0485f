"""The fake SumUp ASGI app: SumUp's checkout endpoints, a hosted page, and test controls."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

import httpx
from litestar import Litestar, Request, Response, Router, delete, get, post
from litestar.response import Redirect

from commerce_api.sumup import currency_exponent, dumps

from ._page import payment_page, result_page
from ._state import FAULT_MODES, FakeCheckout, FaultPlan, Store, now_iso

__all__ = ["create_app"]

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://developer.sumup.com/problem/"
REQUIRED_FIELDS = ("checkout_reference", "amount", "currency", "merchant_code")


# -- response helpers -------------------------------------------------------------------------


def _json(body: Any, status: int = 200) -> Response[bytes]:
    return Response(dumps(body), status_code=status, media_type="application/json")


def _legacy(status: int, message: str, error_code: str, param: str | None = None) -> Response:
    """SumUp's older error shape: ``{"message", "error_code", "param"}``."""
    body: dict[str, Any] = {"message": message, "error_code": error_code}
    if param is not None:
        body["param"] = param
    return _json(body, status)


def _problem(status: int, slug: str, title: str, detail: str) -> Response[bytes]:
    """SumUp's newer error shape, RFC 9457 ``application/problem+json``."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    body["instance"] = uuid.uuid4().hex[:12]
    return Response(dumps(body), status_code=status, media_type="application/problem+json")


def _store(request: Request) -> Store:
    return request.app.state.store


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw, parse_float=Decimal)
    except ValueError:
        return ...


# -- the API: auth and faults run before every SumUp endpoint ---------------------------------


async def _guard(request: Request) -> Response | None:
    """401 without a bearer token (or with the wrong one); then apply the fault plan."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    expected = request.app.state.api_key
    if scheme.lower() != "bearer" or not token.strip() or (expected and token != expected):
        return _problem(401, "unauthorized", "Unauthorized", "Missing or invalid bearer token")
    store = _store(request)
    store.api_calls.append(f"{request.method} {request.url.path}")
    delay = store.faults.delay_seconds
    mode = store.faults.take("api")
    if mode == "timeout":
        await request.body()  # read now: once awake, the handler runs without waiting on I/O
        store.held += 1
        try:
            await asyncio.sleep(delay)
        finally:
            store.held -= 1
    elif mode == "error500":
        if delay:
            await asyncio.sleep(delay)
        return _problem(500, "internal-server-error", "Internal Server Error", "Injected fault")
    return None


def _parse_amount(value: Any, currency: str) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if amount <= 0 or amount.as_tuple().exponent < -currency_exponent(currency):  # type: ignore[operator]
        return None
    return amount


@post("/v0.1/checkouts")
async def create_checkout(request: Request) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict):
        return _legacy(400, "Request body must be a JSON object", "INVALID", "body")
    for name in REQUIRED_FIELDS:
        if body.get(name) in (None, ""):
            return _legacy(400, "Validation error: required field missing", "MISSING", name)
    reference, currency = body["checkout_reference"], body["currency"]
    if not isinstance(reference, str) or len(reference) > 64:
        return _legacy(400, "checkout_reference too long", "INVALID", "checkout_reference")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        return _legacy(400, "Unknown currency", "INVALID", "currency")
    amount = _parse_amount(body["amount"], currency)
    if amount is None:
        return _legacy(400, "Invalid amount", "INVALID", "amount")
    store = _store(request)
    merchant_code = str(body["merchant_code"])
    if store.by_reference(merchant_code, reference) is not None:
        return _legacy(
            409,
            "Checkout with this checkout reference and merchant already exists",
            "DUPLICATED_CHECKOUT",
        )
    checkout_id = store.new_id()
    checkout = FakeCheckout(
        id=checkout_id,
        checkout_reference=reference,
        amount=amount,
        currency=currency.upper(),
        merchant_code=merchant_code,
        description=body.get("description"),
        return_url=body.get("return_url"),
        redirect_url=body.get("redirect_url"),
        hosted_checkout_url=f"{str(request.base_url).rstrip('/')}/pay/{checkout_id}",
    )
    store.add(checkout)
    return _json(checkout.to_api(), 201)


@get("/v0.1/checkouts")
async def list_checkouts(request: Request) -> Response:
    reference = request.query_params.get("checkout_reference")
    found = [
        c.to_api()
        for c in _store(request).checkouts.values()
        if reference is None or c.checkout_reference == reference
    ]
    return _json(found)


@get("/v0.1/checkouts/{checkout_id:str}")
async def get_checkout(request: Request, checkout_id: str) -> Response:
    checkout = _store(request).checkouts.get(checkout_id)
    if checkout is None:
        return _legacy(404, "Resource not found", "NOT_FOUND")
    return _json(checkout.to_api())


@delete("/v0.1/checkouts/{checkout_id:str}", status_code=200)
async def deactivate_checkout(request: Request, checkout_id: str) -> Response:
    checkout = _store(request).checkouts.get(checkout_id)
    if checkout is None:
        return _legacy(404, "Resource not found", "NOT_FOUND")
    if checkout.status != "PENDING":
        detail = f"The checkout session {checkout_id} is already processed"
        return _problem(409, "session-cant-be-deactivated", "Conflict", detail)
    checkout.status = "EXPIRED"
    return _json(checkout.to_api())


@post("/v1.0/merchants/{merchant_code:str}/payments/{transaction_id:str}/refunds")
async def refund(request: Request, merchant_code: str, transaction_id: str) -> Response:
    checkout = _store(request).by_transaction(transaction_id)
    if checkout is None or checkout.merchant_code != merchant_code:
        return _legacy(404, "Resource not found", "NOT_FOUND")
    body = await _json_body(request)
    if body is ... or (body is not None and not isinstance(body, dict)):
        return _legacy(400, "Request body must be a JSON object", "INVALID", "body")
    remaining = checkout.amount - checkout.refunded
    requested = remaining
    if body and body.get("amount") is not None:
        parsed = _parse_amount(body["amount"], checkout.currency)
        if parsed is None:
            return _legacy(400, "Invalid amount", "INVALID", "amount")
        requested = parsed
    if checkout.status != "PAID" or remaining <= 0 or requested > remaining:
        detail = f"Transaction {transaction_id} cannot be refunded for {requested}"
        return _problem(409, "conflict", "Conflict", detail)
    checkout.refunded += requested
    if checkout.refunded == checkout.amount:
        checkout.transaction_status = "REFUNDED"
    return _json({}, 201)


api = Router(
    path="/",
    route_handlers=[create_checkout, list_checkouts, get_checkout, deactivate_checkout, refund],
    before_request=_guard,
)


# -- hosted payment page ----------------------------------------------------------------------


def _webhook_body(store: Store, checkout: FakeCheckout) -> dict[str, Any]:
    if store.webhook_envelope == "new":
        return {
            "id": str(uuid.uuid4()),
            "event_type": "checkout.status.updated",
            "payload": {
                "checkout_id": checkout.id,
                "reference": checkout.checkout_reference,
                "status": checkout.status,
            },
            "timestamp": now_iso(),
        }
    return {"event_type": "CHECKOUT_STATUS_CHANGED", "id": checkout.id}


async def _send_webhook(request: Request, checkout: FakeCheckout) -> dict[str, Any]:
    """POST the status-change notice to ``return_url``, as SumUp does; record the outcome."""
    if not checkout.return_url:
        return {"skipped": "no return_url"}
    store = _store(request)
    body = _webhook_body(store, checkout)
    record: dict[str, Any] = {"url": checkout.return_url, "body": body}
    try:
        http: httpx.AsyncClient = request.app.state.http
        answer = await http.post(checkout.return_url, json=body)
        record["status"] = answer.status_code
    except httpx.HTTPError as exc:
        record["error"] = type(exc).__name__
        log.warning("webhook to %s failed: %s", checkout.return_url, type(exc).__name__)
    checkout.webhook_deliveries.append(record)
    return record


async def _settle(request: Request, checkout: FakeCheckout, action: str) -> None:
    store = _store(request)
    if action == "pay" and store.faults.take("payment") != "decline":
        store.mark_paid(checkout)
    else:
        store.mark_failed(checkout)
    await _send_webhook(request, checkout)


@get("/pay/{checkout_id:str}", media_type="text/html")
async def show_payment_page(request: Request, checkout_id: str) -> Response:
    checkout = _store(request).checkouts.get(checkout_id)
    if checkout is None:
        return Response("<h1>Unknown checkout</h1>", status_code=404, media_type="text/html")
    return Response(payment_page(checkout), media_type="text/html")


@post("/pay/{checkout_id:str}", media_type="text/html")
async def submit_payment(request: Request, checkout_id: str) -> Response:
    """The Pay / Decline form: settle, notify the webhook, send the shopper back."""
    checkout = _store(request).checkouts.get(checkout_id)
    if checkout is None:
        return Response("<h1>Unknown checkout</h1>", status_code=404, media_type="text/html")
    action = parse_qs((await request.body()).decode(errors="replace")).get("action", [""])[0]
    if checkout.status == "PENDING" and action in ("pay", "decline"):
        await _settle(request, checkout, action)
    if checkout.redirect_url and checkout.status != "PENDING":
        return Redirect(checkout.redirect_url, status_code=303)
    return Response(result_page(checkout), media_type="text/html")


# -- control API for tests --------------------------------------------------------------------


@get("/_fake/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/_fake/checkouts")
async def control_checkouts(request: Request) -> Response:
    return _json([c.to_control() for c in _store(request).checkouts.values()])


@get("/_fake/calls")
async def control_calls(request: Request) -> Response:
    return _json(_store(request).api_calls)


@post("/_fake/faults", status_code=200)
async def control_faults(request: Request) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict) or body.get("mode") not in FAULT_MODES:
        return _legacy(400, f"mode must be one of {', '.join(FAULT_MODES)}", "INVALID", "mode")
    try:
        count = int(body.get("count", 1))
        delay = float(body.get("delay_seconds", 0))
    except (TypeError, ValueError):
        return _legacy(400, "count and delay_seconds must be numbers", "INVALID", "count")
    store = _store(request)
    store.faults = FaultPlan(mode=body["mode"], count=max(count, 0), delay_seconds=delay)
    return _json({"mode": body["mode"], "count": count, "delay_seconds": Decimal(str(delay))})


@post("/_fake/config", status_code=200)
async def control_config(request: Request) -> Response:
    body = await _json_body(request)
    envelope = body.get("webhook_envelope") if isinstance(body, dict) else None
    if envelope not in ("old", "new"):
        return _legacy(400, "webhook_envelope must be 'old' or 'new'", "INVALID", "envelope")
    _store(request).webhook_envelope = envelope
    return _json({"webhook_envelope": envelope})


@post("/_fake/reset", status_code=200)
async def control_reset(request: Request) -> Response:
    """Waits for calls still held by a timeout fault, so they cannot leak into the next test."""
    store = _store(request)
    for _ in range(3000):
        if store.held == 0:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0)  # let a call that just woke finish its handler
    store.reset()
    return _json({"reset": True})


@post("/_fake/checkouts/{checkout_id:str}/{action:str}", status_code=200)
async def control_action(request: Request, checkout_id: str, action: str) -> Response:
    """pay / decline / expire a checkout without a browser; ``webhook`` re-sends the notice."""
    checkout = _store(request).checkouts.get(checkout_id)
    if checkout is None:
        return _legacy(404, "Resource not found", "NOT_FOUND")
    if action in ("pay", "decline"):
        if checkout.status != "PENDING":
            return _problem(409, "session-already-processed", "Conflict", "Not pending")
        await _settle(request, checkout, action)
    elif action == "expire":
        if checkout.status == "PENDING":
            checkout.status = "EXPIRED"
    elif action == "webhook":
        await _send_webhook(request, checkout)
    else:
        return _legacy(404, "Unknown action", "NOT_FOUND")
    return _json(checkout.to_control())


control = Router(
    path="/",
    route_handlers=[
        health,
        control_checkouts,
        control_calls,
        control_faults,
        control_config,
        control_reset,
        control_action,
        show_payment_page,
        submit_payment,
    ],
)


def create_app(*, api_key: str | None = None, webhook_timeout: float = 5.0) -> Litestar:
    """The fake as an ASGI app. ``api_key`` set: only that bearer token is accepted."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=webhook_timeout) as http:
            app.state.http = http
            yield

    app = Litestar(route_handlers=[api, control], lifespan=[lifespan], openapi_config=None)
    app.state.store = Store()
    app.state.api_key = api_key
    return app
