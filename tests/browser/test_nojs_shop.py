"""A shopper with JavaScript turned off buys something, end to end.

Real Chromium (``java_script_enabled=False``), the built site on a static server, the commerce
API process on SQLite and the fake SumUp process: product page → Add to cart → the API's HTML
cart page → Checkout → SumUp's hosted page → Pay → the site's /order/ page → the receipt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop

pytestmark = pytest.mark.browser


def _item(catalog: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in catalog["items"] if item["id"] == item_id)


def test_the_order_page_exists_and_works_without_javascript(built_site: Path) -> None:
    html = (built_site / "order" / "index.html").read_text(encoding="utf-8")
    assert "data-order-status" in html
    assert "/receipts/latest" in html


def test_shopper_without_javascript_buys_and_sees_the_receipt_paid(
    page_without_js: Any, site_server: str, shop: Shop, catalog: dict[str, Any]
) -> None:
    page = page_without_js
    honey = _item(catalog, "product:wildflower-honey")
    page.goto(honey["url"])
    form = page.locator(f'form[data-product-id="{honey["id"]}"]')
    form.locator('input[name="quantity"]').fill("3")
    form.get_by_role("button", name="Add to cart").click()

    page.wait_for_url(f"{shop.api_url}/cart/view")
    expect(page.locator("h1")).to_have_text("Your cart")
    expect(page.locator(f'[data-cart-line="{honey["id"]}"]')).to_contain_text(honey["title"])
    expect(page.locator("[data-cart-total]")).to_have_text("£19.50")

    # Change the quantity on the page itself (a form post, CSRF token in the page).
    page.get_by_label(f"Quantity of {honey['title']}").fill("2")
    page.get_by_role("button", name="Update quantity").click()
    expect(page.locator("[data-cart-total]")).to_have_text("£13.00")

    page.get_by_role("button", name="Checkout").click()
    page.wait_for_url(f"{shop.sumup.url}/pay/**")
    expect(page.locator("#amount")).to_have_text("13.00 GBP")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{site_server}/order/?order=**")
    expect(page.locator("[data-order-status]")).to_be_visible()
    page.get_by_role("button", name="Show my receipt").click()

    page.wait_for_url(f"{shop.api_url}/orders/*/receipt")
    expect(page.locator("[data-order-state]")).to_have_attribute("data-order-state", "paid")
    expect(page.get_by_role("status")).to_have_text("Thank you: your order is paid.")
    expect(page.locator("main")).to_contain_text(f"2 \N{MULTIPLICATION SIGN} {honey['title']}")
    expect(page.locator("main")).to_contain_text("Total £13.00")
    order_token = page.url.rsplit("/", 2)[1]
    assert page.url.endswith(f"/orders/{order_token}/receipt")
    # Back in the shop the cart is empty: the order took its lines.
    page.goto(f"{shop.api_url}/cart/view")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
