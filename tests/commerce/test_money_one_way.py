"""A price reads the same on the static product page, on the shop's own cart page and in the
cart island (the JSON's ``*_text``): all print through ``manifest_contract.format_money`` (the
yen without decimals, a three-decimal currency with three), never "1,200 JPY" on one and
"JP¥1,200" on the other."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from litestar.testing import AsyncTestClient

from commerce_api.app import create_app
from commerce_api.db import Database
from commerce_api.domain.catalog import load_catalog_file, sync_catalog
from tests.commerce.conftest import make_settings
from tests.static.conftest import SITE_URL, run_build

PRICES = {"JPY": 1200, "EUR": 1250, "KWD": 1234}  # KWD: three decimals


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with one product per currency, built by the real build command."""
    content = tmp_path_factory.mktemp("money") / "content"
    (content / "market").mkdir(parents=True)
    for currency, price in PRICES.items():
        (content / "market" / f"{currency.lower()}.md").write_text(
            f"Title: Priced in {currency}\nSlug: price-{currency.lower()}\nPrice: {price}\n"
            f"Currency: {currency}\nStock: 5\nCategory: pantry\n"
            f"Summary: A product priced in {currency}.\n\nSold in {currency}.\n",
            encoding="utf-8",
        )
    run = run_build(content, content.parent / "build")
    assert run.returncode == 0, run.stderr
    return run.output


def _static_price(site: Path, currency: str) -> str:
    page = site / "market" / f"price-{currency.lower()}" / "index.html"
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return doc.select_one(".product-buy .price, .price").get_text(strip=True)  # type: ignore[union-attr]


@pytest.mark.parametrize("currency", list(PRICES))
async def test_the_cart_page_prints_the_price_as_the_product_page_does(
    built: Path, db: Database, database_url: str, currency: str
) -> None:
    await sync_catalog(db, load_catalog_file(built / "_data" / "catalog.json"))
    shown = _static_price(built, currency)
    assert shown == {"JPY": "JP¥1,200", "EUR": "€12.50", "KWD": "KWD1.234"}[currency]
    async with AsyncTestClient(create_app(make_settings(database_url))) as shop:
        added = await shop.post(
            "/cart/items",
            content=f"item_id=product:price-{currency.lower()}&quantity=1",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": SITE_URL},
        )
        assert added.status_code == 200, added.text  # followed to the cart page
        cart = BeautifulSoup(added.text, "html.parser")
        as_json = (await shop.get("/cart")).json()  # what the cart island prints
    assert as_json["total_text"] == as_json["lines"][0]["line_total_text"] == shown
    assert cart.select_one("[data-cart-total]").get_text(strip=True) == shown  # type: ignore[union-attr]
    assert f"1 \N{MULTIPLICATION SIGN} {shown} = {shown}" in " ".join(cart.get_text().split())
