"""The shopper's journey in real Chromium, with JavaScript on and off (issue 11 items 1 and 2):
buy, decline on SumUp's page, find the cart as it was, "Try again", pay, and get the receipt by
email (read from the API's outbox): the built site on a static server, the commerce API and the
fake SumUp as processes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop

pytestmark = pytest.mark.browser


def _item(catalog: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in catalog["items"] if item["id"] == item_id)


def _decline_then_pay(page: Any, shop: Shop) -> None:
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    page.get_by_role("button", name="Decline").click()


def _receipt_mailed(shop: Shop, email: str, title: str) -> str:
    mails = shop.mail(email)
    assert len(mails) == 1, mails  # one receipt: the declined order mailed nothing
    assert f"1 x {title}" in mails[0] and "Total: £6.50" in mails[0]
    return mails[0]


def test_with_javascript_decline_try_again_pay_and_get_the_email(
    page: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    email = "js-shopper@example.org"
    honey = _item(catalog, "product:wildflower-honey")
    page.goto(honey["url"])
    expect(page.locator("html")).to_have_attribute("data-cart-ready", "true")
    page.locator(f'form[data-product-id="{honey["id"]}"]').get_by_role(
        "button", name="Add to cart"
    ).click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.get_by_role("button", name="Cart (1)").click()
    page.get_by_label("Email for your receipt (optional)").fill(email)
    page.get_by_role("button", name="Checkout").click()
    _decline_then_pay(page, shop)

    page.wait_for_url(f"{site_server}/**order=**")
    expect(page.locator("[data-order-status]")).to_have_text(
        "The payment did not go through. Nothing was charged."
    )
    expect(page.locator("[data-cart-count]")).to_have_text("1")  # the cart is back
    page.get_by_role("button", name="Try again").click()
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{site_server}/**order=**")
    expect(page.locator("[data-order-status]")).to_have_text("Thank you: your order is paid.")
    receipt = _receipt_mailed(shop, email, honey["title"])
    reference = page.locator("[data-order-details] strong").first.inner_text()
    assert reference in receipt


def test_without_javascript_decline_try_again_pay_and_get_the_email(
    page_without_js: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    page = page_without_js
    email = "nojs-shopper@example.org"
    honey = _item(catalog, "product:wildflower-honey")
    page.goto(honey["url"])
    page.locator(f'form[data-product-id="{honey["id"]}"]').get_by_role(
        "button", name="Add to cart"
    ).click()
    page.wait_for_url(f"{shop.api_url}/cart/view")
    page.get_by_label("Email for your receipt (optional)").fill(email)
    page.get_by_role("button", name="Checkout").click()
    _decline_then_pay(page, shop)

    page.wait_for_url(f"{site_server}/order/?order=**")
    page.get_by_role("button", name="Show my receipt").click()
    page.wait_for_url(f"{shop.api_url}/orders/*/receipt")
    # The receipt page and the island say it in the same words (the API's state_text).
    expect(page.get_by_role("status")).to_have_text(
        "The payment did not go through. Nothing was charged."
    )
    expect(page.locator("main")).to_contain_text("Your cart still holds these items.")
    page.get_by_role("button", name="Try again").click()
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{site_server}/order/?order=**")
    page.get_by_role("button", name="Show my receipt").click()
    page.wait_for_url(f"{shop.api_url}/orders/*/receipt")
    expect(page.get_by_role("status")).to_have_text("Thank you: your order is paid.")
    reference = page.locator("main p strong").nth(1).inner_text()
    assert reference in _receipt_mailed(shop, email, honey["title"])
