"""The product page as a shopper without JavaScript sees it: price and a working form."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _product(catalog: dict[str, Any], product_id: str) -> dict[str, Any]:
    return next(item for item in catalog["items"] if item["id"] == product_id)


def test_product_page_reads_well_without_javascript(
    page_without_js: Any, site_server: str, catalog: dict[str, Any]
) -> None:
    honey = _product(catalog, "product:wildflower-honey")
    page = page_without_js
    response = page.goto(honey["url"])
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text().strip() == honey["title"]
    assert page.locator(".price").first.inner_text().strip() == "£6.50"
    form = page.locator(f'form[data-product-id="{honey["id"]}"]')
    assert form.count() == 1
    assert form.get_attribute("method") == "post"
    assert form.get_attribute("action").endswith("/cart/items")
    assert form.locator('input[name="item_id"]').input_value() == honey["id"]
    assert form.locator('input[name="quantity"]').input_value() == "1"
    button = form.get_by_role("button", name="Add to cart")
    assert button.is_visible() and button.is_enabled()
    assert page.locator("[data-cart]").count() == 0  # no island without JavaScript


def test_sold_out_product_cannot_be_added_without_javascript(
    page_without_js: Any, site_server: str, catalog: dict[str, Any]
) -> None:
    jam = _product(catalog, "product:bramble-jam")
    page_without_js.goto(jam["url"])
    form = page_without_js.locator(f'form[data-product-id="{jam["id"]}"]')
    assert form.get_by_role("button", name="Sold out").is_disabled()
