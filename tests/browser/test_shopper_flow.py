"""A shopper with JavaScript: add to cart, check out, pay on the (fake) hosted page, come back.

Everything is real: Chromium, the built site on a static server, the commerce API process on
SQLite and the fake SumUp process. The order's state is read back from the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop

pytestmark = pytest.mark.browser


def _item(catalog: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in catalog["items"] if item["id"] == item_id)


def _cart_ready(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("data-cart-ready", "true")


def test_shopper_adds_to_cart_pays_and_sees_the_order_paid(
    page: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    honey = _item(catalog, "product:wildflower-honey")
    page.goto(honey["url"])
    _cart_ready(page)
    form = page.locator(f'form[data-product-id="{honey["id"]}"]')
    form.locator('input[name="quantity"]').fill("2")
    form.get_by_role("button", name="Add to cart").click()
    added = f"Added 2 \N{MULTIPLICATION SIGN} {honey['title']} to your cart."
    expect(page.get_by_text(added)).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # The cart survives a page change, totals come from the server.
    page.goto(f"{site_server}/market/")
    _cart_ready(page)
    expect(page.locator("[data-cart-count]")).to_have_text("2")
    page.get_by_role("button", name="Cart (2)").click()
    expect(page.locator("[data-cart-total]")).to_have_text("£13.00")

    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    expect(page.locator("#amount")).to_have_text("13.00 GBP")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{site_server}/**order=**")
    token = parse_qs(urlsplit(page.url).query)["order"][0]
    expect(page.locator("[data-order-status]")).to_have_text("Thank you: your order is paid.")
    order = httpx.get(f"{shop.api_url}/orders/{token}", timeout=10).json()
    assert order["state"] == "paid"
    assert (order["total_minor"], order["currency"]) == (1300, "GBP")
    details = page.locator("[data-order-details]")
    expect(details).to_contain_text(f"Reference {order['reference']}")
    expect(details).to_contain_text(f"2 \N{MULTIPLICATION SIGN} {honey['title']}: £13.00")
    [checkout] = [
        c for c in shop.sumup.checkouts() if c["checkout_reference"] == order["reference"]
    ]
    assert checkout["status"] == "PAID"
    [delivery] = checkout["webhook_deliveries"]
    assert 200 <= delivery["status"] < 300
    expect(page.locator("[data-cart-count]")).to_have_text("0")


def test_api_refusal_is_shown_to_the_shopper(
    page: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    """A cart holds one currency: the API's problem detail reaches the shopper as an alert."""
    voucher = _item(catalog, "product:orchard-visit-voucher")
    honey = _item(catalog, "product:wildflower-honey")
    assert voucher["currency"] != honey["currency"]
    with httpx.Client(base_url=shop.api_url, timeout=10) as api:
        token = api.post("/cart/items", json={"item_id": voucher["id"]}).json()["token"]
        refusal = api.post(
            "/cart/items", json={"item_id": honey["id"]}, headers={"X-Cart-Token": token}
        )
    assert refusal.status_code in (400, 409, 422)

    page.goto(voucher["url"])
    _cart_ready(page)
    page.locator(f'form[data-product-id="{voucher["id"]}"] button[type="submit"]').click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(honey["url"])
    _cart_ready(page)
    page.locator(f'form[data-product-id="{honey["id"]}"] button[type="submit"]').click()
    expect(page.get_by_role("alert")).to_have_text(refusal.json()["detail"])
    expect(page.locator("[data-cart-count]")).to_have_text("1")


def test_free_event_booking_is_confirmed_without_payment(
    page: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    """A free ticket (RSVP) goes through the same island and is booked with no SumUp page."""
    rsvp = _item(catalog, "ticket:repair-cafe:drop-in")
    assert rsvp["price"] == 0
    page.goto(rsvp["url"])
    _cart_ready(page)
    page.locator(f'form[data-ticket-id="{rsvp["id"]}"] button[type="submit"]').click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.get_by_role("button", name="Cart (1)").click()
    # Tickets are emailed: the island asks for the address before it checks out.
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Please give your email address: your tickets are sent there."
    )
    page.get_by_label("Email for your tickets and receipt").fill("rsvp@example.org")
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_text("Booked: your reference is ")).to_be_visible()
    shown = page.get_by_text("Booked: your reference is ").inner_text()
    assert page.url.startswith(site_server)  # never sent to a payment page
    token = page.evaluate("sessionStorage.getItem('ra_last_order')")
    order = httpx.get(f"{shop.api_url}/orders/{token}", timeout=10).json()
    assert (order["state"], order["total_minor"]) == ("paid", 0)
    assert shown == f"Booked: your reference is {order['reference']}."
    assert order["hosted_checkout_url"] is None
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    (mail,) = shop.mail("rsvp@example.org")
    assert order["reference"] in mail and order["tickets"][0]["code"] in mail


def test_sumup_outage_is_explained_and_the_retry_keeps_one_order(
    page: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    """SumUp down: the shopper reads why and retries; the Idempotency-Key keeps one order."""
    juice = _item(catalog, "product:apple-juice")
    page.goto(juice["url"])
    _cart_ready(page)
    page.locator(f'form[data-product-id="{juice["id"]}"] button[type="submit"]').click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.get_by_role("button", name="Cart (1)").click()

    def is_checkout(response: Any) -> bool:
        return response.request.method == "POST" and response.url.endswith("/checkout")

    shop.sumup.set_fault("error500", count=100)
    try:
        with page.expect_response(is_checkout) as failed:
            page.get_by_role("button", name="Checkout").click()
        problem = failed.value.json()
        assert failed.value.status in (502, 503)
        expect(page.get_by_role("alert")).to_have_text(problem["detail"])
    finally:
        shop.sumup.set_fault("none", count=0)
    assert page.url.startswith(site_server)

    with page.expect_response(is_checkout) as retried:
        page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    assert retried.value.status == 200  # the same order again, not a new one (201)
    order = httpx.get(f"{shop.api_url}/orders/{problem['order_token']}", timeout=10).json()
    assert order["state"] == "pending"
    at_sumup = [c for c in shop.sumup.checkouts() if c["checkout_reference"] == order["reference"]]
    assert len(at_sumup) == 1
    assert page.url == at_sumup[0]["hosted_checkout_url"]  # paying for that very order
