"""Faults that only real processes show: the shop API SIGKILLed while SumUp holds its call,
and PostgreSQL restarted under a stream of checkouts.

Already covered elsewhere (not repeated here): SumUp answering 500 or timing out for the
client (tests/commerce/test_sumup_client.py), for a checkout across an API restart and for
the refund pass (tests/commerce/test_e2e.py).
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.api_process import ApiProcess, add, wait_for
from tests.commerce.shop import HONEY, JAM
from tests.private_postgres import PrivatePostgres, private_postgres

__all__ = ["private_postgres"]  # the fixture

HELD = "POST /v0.1/checkouts"


def test_api_killed_between_reserving_stock_and_creating_the_checkout(
    database_url: str, fake_sumup: FakeSumUpProcess, tmp_path: Path
) -> None:
    """SIGKILL while SumUp holds the create call: the reservation survives once, the shopper's
    retry (same Idempotency-Key) gets the same order, and SumUp ends with one checkout for it
    even though the held call still lands after the kill."""
    api = ApiProcess(database_url, fake_sumup.url, tmp_path, SUMUP_TIMEOUT_SECONDS="15")
    api.start()
    try:
        browser = httpx.Client(base_url=api.url, timeout=30)
        add(browser, JAM, 2)
        fake_sumup.set_fault("timeout", count=1, delay_seconds=2)
        answers: list[object] = []

        def checkout() -> None:
            try:
                answers.append(browser.post("/checkout", headers={"Idempotency-Key": "k1"}))
            except httpx.HTTPError as exc:
                answers.append(exc)

        shopper = threading.Thread(target=checkout)
        shopper.start()
        wait_for(lambda: HELD in fake_sumup.api_calls(), "the create call reach SumUp")
        held_since = time.monotonic()
        assert api.proc is not None
        api.proc.kill()  # SIGKILL: no shutdown handler runs
        api.proc.wait()
        api.proc = None
        shopper.join(30)
        assert len(answers) == 1 and isinstance(answers[0], httpx.HTTPError), answers

        api.start()
        assert httpx.get(f"{api.url}/catalog/{JAM}").json()["available"] == 1  # reserved once
        retry = browser.post("/checkout", headers={"Idempotency-Key": "k1"})
        assert retry.status_code in (200, 201), retry.text
        order = retry.json()
        again = browser.post("/checkout", headers={"Idempotency-Key": "k1"})
        assert again.json()["token"] == order["token"]
        assert httpx.get(f"{api.url}/catalog/{JAM}").json()["available"] == 1

        time.sleep(max(0.0, held_since + 2.5 - time.monotonic()))  # the held call has landed
        mine = [c for c in fake_sumup.checkouts() if c["checkout_reference"] == order["reference"]]
        assert len(mine) == 1, mine
        fake_sumup.pay(mine[0]["id"])
        paid = wait_for(
            lambda: (o := browser.get(f"/orders/{order['token']}").json())["state"] == "paid" and o,
            "the order paid",
        )
        assert paid["total_minor"] == order["total_minor"] == 2 * 425
        assert httpx.get(f"{api.url}/catalog/{JAM}").json()["available"] == 1
        browser.close()
    finally:
        api.stop()


SHOPPERS = 20


def test_postgresql_restarted_under_checkouts_loses_and_doubles_nothing(
    private_postgres: PrivatePostgres, fake_sumup: FakeSumUpProcess, tmp_path: Path
) -> None:
    """Twenty shoppers buy one jar of honey each (24 in stock) while PostgreSQL restarts.
    During the outage the API answers 503 problems, never a 500; each shopper retries with
    the same Idempotency-Key until served. The API recovers without being restarted, every
    shopper ends with one order, stock is reserved once per order, SumUp has one checkout per
    order."""
    api = ApiProcess(private_postgres.url, fake_sumup.url, tmp_path)
    api.start()
    served = threading.Semaphore(0)
    statuses: list[int] = []

    def shopper(n: int) -> str:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=api.url, timeout=20) as client:
            key = uuid.uuid4().hex
            token = None
            while time.monotonic() < deadline:
                try:
                    if token is None:
                        cart = client.post("/cart/items", json={"item_id": HONEY, "quantity": 1})
                        statuses.append(cart.status_code)
                        if cart.status_code == 201:
                            token = cart.json()["token"]
                        continue
                    done = client.post("/checkout", headers={"Idempotency-Key": key})
                except httpx.TransportError:
                    statuses.append(0)
                    continue
                statuses.append(done.status_code)
                if done.status_code == 503:
                    assert done.headers["content-type"] == "application/problem+json", done.text
                if done.status_code in (200, 201):
                    served.release()
                    return str(done.json()["token"])
                time.sleep(0.1)
            raise AssertionError(f"shopper {n} never served")

    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(shopper, n) for n in range(SHOPPERS)]
            for _ in range(5):
                assert served.acquire(timeout=60), "no checkout before the restart"
            private_postgres.restart()
            orders = [f.result(timeout=120) for f in futures]
        assert len(set(orders)) == SHOPPERS
        unexpected = sorted({s for s in statuses if s not in (200, 201, 503)})
        assert unexpected == [], f"answers besides 2xx and 503: {unexpected}"
        assert httpx.get(f"{api.url}/catalog/{HONEY}").json()["available"] == 24 - SHOPPERS
        references = [c["checkout_reference"] for c in fake_sumup.checkouts()]
        assert len(references) == len(set(references)) == SHOPPERS
    finally:
        api.stop()
