"""The real SumUp client against the fake SumUp running as a process on loopback."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from commerce_api.fake_sumup import FakeSumUpProcess
from commerce_api.sumup import (
    DuplicateCheckout,
    SumUpClient,
    SumUpRejected,
    SumUpUnavailable,
)
from tests.conftest import free_port

API_KEY = "sup_sk_test_do_not_log_me"
MERCHANT = "MTEST123"
HOOK = "http://127.0.0.1:9/webhook"  # nothing listens: the fake records the failure
BACK = "https://shop.example/orders/back"


def _ref() -> str:
    return f"order-{uuid.uuid4().hex}"


@pytest.fixture
async def sumup(fake_sumup: FakeSumUpProcess) -> AsyncIterator[SumUpClient]:
    async with httpx.AsyncClient(base_url=fake_sumup.url, timeout=5) as http:
        yield SumUpClient(http, api_key=API_KEY, merchant_code=MERCHANT)


async def _create(sumup: SumUpClient, ref: str, minor: int = 650, currency: str = "GBP"):
    return await sumup.create_checkout(ref, minor, currency, "Wildflower honey", HOOK, BACK)


async def test_create_sends_decimal_major_units_and_returns_a_hosted_page(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    ref = _ref()
    checkout = await _create(sumup, ref)
    assert checkout.status == "PENDING"
    assert (checkout.reference, checkout.amount_minor, checkout.currency) == (ref, 650, "GBP")
    assert checkout.hosted_checkout_url == f"{fake_sumup.url}/pay/{checkout.id}"
    assert checkout.transaction_id is None
    stored = fake_sumup.checkout(checkout.id)
    assert stored["amount"] == Decimal("6.50")
    assert stored["merchant_code"] == MERCHANT
    assert (stored["return_url"], stored["redirect_url"]) == (HOOK, BACK)


async def test_zero_decimal_currency(sumup: SumUpClient, fake_sumup: FakeSumUpProcess) -> None:
    checkout = await _create(sumup, _ref(), 1200, "JPY")
    assert (checkout.amount_minor, checkout.currency) == (1200, "JPY")
    assert fake_sumup.checkout(checkout.id)["amount"] == 1200


async def test_repeated_reference_recovers_the_existing_checkout(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    ref = _ref()
    first = await _create(sumup, ref)
    again = await _create(sumup, ref)
    assert again == first
    assert len(fake_sumup.checkouts()) == 1


async def test_repeated_reference_for_another_amount_is_not_reused(sumup: SumUpClient) -> None:
    ref = _ref()
    await _create(sumup, ref, 650)
    with pytest.raises(DuplicateCheckout):
        await _create(sumup, ref, 700)


async def test_get_reflects_payment_with_a_transaction_id(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    created = await _create(sumup, _ref())
    assert (await sumup.get_checkout(created.id)).status == "PENDING"
    fake_sumup.pay(created.id)
    paid = await sumup.get_checkout(created.id)
    assert paid.status == "PAID"
    assert paid.is_paid
    assert paid.transaction_id
    assert paid.transaction_code


async def test_lookup_by_reference(sumup: SumUpClient) -> None:
    ref = _ref()
    await _create(sumup, _ref())
    created = await _create(sumup, ref)
    assert await sumup.find_checkout_by_reference(ref) == created
    assert await sumup.find_checkout_by_reference(_ref()) is None


async def test_unknown_checkout_is_a_legacy_not_found(sumup: SumUpClient) -> None:
    with pytest.raises(SumUpRejected) as caught:
        await sumup.get_checkout(str(uuid.uuid4()))
    assert (caught.value.status_code, caught.value.error_code) == (404, "NOT_FOUND")


async def test_deactivate_pending_then_paid_is_a_problem_conflict(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    pending = await _create(sumup, _ref())
    assert (await sumup.deactivate_checkout(pending.id)).status == "EXPIRED"
    paid = await _create(sumup, _ref())
    fake_sumup.pay(paid.id)
    with pytest.raises(SumUpRejected) as caught:
        await sumup.deactivate_checkout(paid.id)
    assert caught.value.status_code == 409
    assert caught.value.problem_type and caught.value.problem_type.startswith("https://")
    assert paid.id in caught.value.message


async def test_refund_in_part_then_the_rest_then_no_more(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    checkout = await _create(sumup, _ref(), 1000)
    paid = await sumup.get_checkout(fake_sumup.pay(checkout.id)["id"])
    assert paid.transaction_id
    await sumup.refund(paid.transaction_id, 250, "GBP")
    assert fake_sumup.checkout(checkout.id)["refunded_amount"] == Decimal("2.50")
    await sumup.refund(paid.transaction_id, None, "GBP")
    assert fake_sumup.checkout(checkout.id)["refunded_amount"] == Decimal("10.00")
    with pytest.raises(SumUpRejected) as caught:
        await sumup.refund(paid.transaction_id, 1, "GBP")
    assert caught.value.status_code == 409


async def test_refund_of_an_unpaid_checkout_is_rejected(sumup: SumUpClient) -> None:
    with pytest.raises(SumUpRejected) as caught:
        await sumup.refund(str(uuid.uuid4()), None, "GBP")
    assert caught.value.error_code == "NOT_FOUND"


async def test_server_error_is_unavailable_and_the_retry_works(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    fake_sumup.set_fault("error500", count=1)
    ref = _ref()
    with pytest.raises(SumUpUnavailable) as caught:
        await _create(sumup, ref)
    assert caught.value.status_code == 500
    assert fake_sumup.checkouts() == []
    assert (await _create(sumup, ref)).status == "PENDING"


async def test_timeout_is_unavailable_and_the_retry_finds_one_checkout(
    fake_sumup: FakeSumUpProcess,
) -> None:
    fake_sumup.set_fault("timeout", count=1, delay_seconds=1.5)
    ref = _ref()
    async with httpx.AsyncClient(base_url=fake_sumup.url, timeout=0.3) as http:
        sumup = SumUpClient(http, api_key=API_KEY, merchant_code=MERCHANT)
        with pytest.raises(SumUpUnavailable):
            await _create(sumup, ref)
    async with httpx.AsyncClient(base_url=fake_sumup.url, timeout=5) as http:
        sumup = SumUpClient(http, api_key=API_KEY, merchant_code=MERCHANT)
        retried = await _create(sumup, ref)
    assert retried.reference == ref
    assert [c["id"] for c in fake_sumup.checkouts()] == [retried.id]


async def test_unreachable_sumup_is_unavailable() -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{free_port()}", timeout=2) as http:
        sumup = SumUpClient(http, api_key=API_KEY, merchant_code=MERCHANT)
        with pytest.raises(SumUpUnavailable):
            await sumup.get_checkout("anything")


async def test_declined_payment_reads_failed(
    sumup: SumUpClient, fake_sumup: FakeSumUpProcess
) -> None:
    fake_sumup.set_fault("decline", count=1)
    checkout = await _create(sumup, _ref())
    fake_sumup.pay(checkout.id)
    failed = await sumup.get_checkout(checkout.id)
    assert failed.status == "FAILED"
    assert failed.transaction_id is None


async def test_the_api_key_is_sent_but_never_logged(
    fake_sumup: FakeSumUpProcess, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request.headers["authorization"])

    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(
        base_url=fake_sumup.url, timeout=5, event_hooks={"request": [record]}
    ) as http:
        sumup = SumUpClient(http, api_key=API_KEY, merchant_code=MERCHANT)
        await _create(sumup, _ref())
        with pytest.raises(SumUpRejected):
            await sumup.get_checkout("missing")
        assert API_KEY not in repr(sumup)
    assert seen == [f"Bearer {API_KEY}", f"Bearer {API_KEY}"]
    assert API_KEY not in caplog.text
