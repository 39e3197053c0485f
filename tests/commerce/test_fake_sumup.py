"""The fake SumUp as a shopper and as our webhook see it: hosted page, webhooks, errors."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from commerce_api.fake_sumup import FakeSumUpProcess

AUTH = {"Authorization": "Bearer sk_test_fake"}
BACK = "http://127.0.0.1:9/back?order=o1"


class _Hooks(ThreadingHTTPServer):
    received: list[dict[str, Any]]


class _HookHandler(BaseHTTPRequestHandler):
    server: _Hooks

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        self.server.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def webhook_sink() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback HTTP endpoint that records every JSON body POSTed to it."""
    server = _Hooks(("127.0.0.1", 0), _HookHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/sumup", server.received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http(fake_sumup: FakeSumUpProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_sumup.url, timeout=5) as client:
        yield client


def _create(http: httpx.Client, hook: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "checkout_reference": f"ref-{uuid.uuid4().hex}",
        "amount": 12.5,
        "currency": "EUR",
        "merchant_code": "MFAKE",
        "description": "Two jars",
        "redirect_url": BACK,
        "hosted_checkout": {"enabled": True},
        **({"return_url": hook} if hook else {}),
        **extra,
    }
    answer = http.post("/v0.1/checkouts", json=body, headers=AUTH)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_no_bearer_token_is_a_401_problem(http: httpx.Client) -> None:
    answer = http.post("/v0.1/checkouts", json={"checkout_reference": "x"})
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 401
    assert http.get("/v0.1/checkouts", headers={"Authorization": "Basic abc"}).status_code == 401


def test_missing_merchant_code_names_the_param(http: httpx.Client) -> None:
    body = {"checkout_reference": "r1", "amount": 1, "currency": "EUR"}
    answer = http.post("/v0.1/checkouts", json=body, headers=AUTH)
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "Validation error: required field missing",
        "error_code": "MISSING",
        "param": "merchant_code",
    }


def test_amount_finer_than_the_currency_allows_is_invalid(http: httpx.Client) -> None:
    body = {"checkout_reference": "r2", "amount": 1.005, "currency": "EUR", "merchant_code": "M"}
    answer = http.post("/v0.1/checkouts", json=body, headers=AUTH)
    assert (answer.status_code, answer.json()["param"]) == (400, "amount")


def test_duplicate_reference_is_409_and_unknown_id_is_404(http: httpx.Client) -> None:
    created = _create(http)
    again = http.post(
        "/v0.1/checkouts",
        json={k: created[k] for k in ("checkout_reference", "amount", "currency", "merchant_code")},
        headers=AUTH,
    )
    assert again.status_code == 409
    assert again.json()["error_code"] == "DUPLICATED_CHECKOUT"
    missing = http.get(f"/v0.1/checkouts/{uuid.uuid4()}", headers=AUTH)
    assert (missing.status_code, missing.json()["error_code"]) == (404, "NOT_FOUND")


def test_hosted_page_pay_notifies_the_webhook_then_redirects(
    http: httpx.Client, webhook_sink: tuple[str, list[dict[str, Any]]]
) -> None:
    hook, received = webhook_sink
    created = _create(http, hook)
    page = httpx.get(created["hosted_checkout_url"])
    assert page.status_code == 200
    assert "12.5 EUR" in page.text
    assert 'value="pay"' in page.text
    assert 'value="decline"' in page.text
    answer = httpx.post(created["hosted_checkout_url"], data={"action": "pay"})
    assert answer.status_code == 303
    assert answer.headers["location"] == BACK
    assert received == [{"event_type": "CHECKOUT_STATUS_CHANGED", "id": created["id"]}]
    paid = http.get(f"/v0.1/checkouts/{created['id']}", headers=AUTH).json()
    assert paid["status"] == "PAID"
    assert paid["transaction_code"]
    assert paid["transactions"][0]["status"] == "SUCCESSFUL"
    closed = httpx.get(created["hosted_checkout_url"])
    assert 'value="pay"' not in closed.text


def test_decline_button_fails_the_checkout(
    http: httpx.Client,
    fake_sumup: FakeSumUpProcess,
    webhook_sink: tuple[str, list[dict[str, Any]]],
) -> None:
    hook, received = webhook_sink
    fake_sumup.set_webhook_envelope("new")
    created = _create(http, hook)
    answer = httpx.post(created["hosted_checkout_url"], data={"action": "decline"})
    assert answer.status_code == 303
    assert http.get(f"/v0.1/checkouts/{created['id']}", headers=AUTH).json()["status"] == "FAILED"
    [event] = received
    assert event["event_type"] == "checkout.status.updated"
    assert event["payload"] == {
        "checkout_id": created["id"],
        "reference": created["checkout_reference"],
        "status": "FAILED",
    }


def test_webhook_can_be_replayed_and_failures_are_recorded(
    http: httpx.Client,
    fake_sumup: FakeSumUpProcess,
    webhook_sink: tuple[str, list[dict[str, Any]]],
) -> None:
    hook, received = webhook_sink
    created = _create(http, hook)
    fake_sumup.pay(created["id"])
    fake_sumup.resend_webhook(created["id"])
    assert received == [{"event_type": "CHECKOUT_STATUS_CHANGED", "id": created["id"]}] * 2
    unreachable = _create(http, "http://127.0.0.1:9/nothing-here")
    deliveries = fake_sumup.pay(unreachable["id"])["webhook_deliveries"]
    assert deliveries[0]["error"]


def test_faults_are_counted_down(http: httpx.Client, fake_sumup: FakeSumUpProcess) -> None:
    fake_sumup.set_fault("error500", count=2)
    assert http.get("/v0.1/checkouts", headers=AUTH).status_code == 500
    assert http.get("/v0.1/checkouts", headers=AUTH).status_code == 500
    assert http.get("/v0.1/checkouts", headers=AUTH).status_code == 200
    bad = http.post("/_fake/faults", json={"mode": "explode"})
    assert bad.status_code == 400


def test_started_with_an_api_key_it_accepts_only_that_key() -> None:
    with FakeSumUpProcess(api_key="sk_test_right") as strict:
        wrong = httpx.get(f"{strict.url}/v0.1/checkouts", headers=AUTH)
        right = httpx.get(
            f"{strict.url}/v0.1/checkouts", headers={"Authorization": "Bearer sk_test_right"}
        )
    assert wrong.status_code == 401
    assert (right.status_code, right.json()) == (200, [])
