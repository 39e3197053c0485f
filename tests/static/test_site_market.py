"""Market pages: prices per currency, schema.org Product/Offer, and a cart form that works alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from ra_market.money import format_price

from tests.static.conftest import SAMPLE_CONTENT, SITE_URL


def front_matter(path: Path) -> dict[str, str]:
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


PRODUCTS = {p.stem: front_matter(p) for p in sorted((SAMPLE_CONTENT / "market").glob("*.md"))}


def jsonld(doc: BeautifulSoup, kind: str) -> dict:
    for script in doc.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        if data.get("@type") == kind:
            return data
    raise AssertionError(f"no {kind} JSON-LD")


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (650, "GBP", "£6.50"),
        (1200, "JPY", "JP¥1,200"),
        (1500, "EUR", "€15.00"),
        (5, "GBP", "£0.05"),
    ],
)
def test_prices_are_shown_in_major_units_per_currency(amount: int, currency: str, shown: str):
    assert format_price(amount, currency) == shown


def test_there_are_ten_products_with_pages(sample_site: Path) -> None:
    assert len(PRODUCTS) == 10
    for slug in PRODUCTS:
        assert (sample_site / "market" / slug / "index.html").is_file()


def test_product_page_price_schema_and_form(sample_site: Path) -> None:
    for slug, meta in PRODUCTS.items():
        doc = BeautifulSoup((sample_site / f"market/{slug}/index.html").read_text(), "html.parser")
        price, currency = int(meta["price"]), meta["currency"]
        assert doc.find(class_="price").get_text() == format_price(price, currency)
        product = jsonld(doc, "Product")
        assert product["name"] == meta["title"]
        offer = product["offers"]
        digits = 0 if currency == "JPY" else 2
        assert offer["price"] == f"{price / 10**digits:.{digits}f}"
        assert offer["priceCurrency"] == currency
        sold_out = meta["stock"] == "0"
        expected = "OutOfStock" if sold_out else "InStock"
        assert offer["availability"] == f"https://schema.org/{expected}"
        assert offer["url"] == f"{SITE_URL}/market/{slug}/"

        form = doc.find("form", class_="add-to-cart")
        assert form["method"] == "post" and form["action"].startswith("http")
        assert form["data-product-id"] == f"product:{slug}"
        assert form["data-price"] == str(price) and form["data-currency"] == currency
        hidden = form.find("input", attrs={"name": "item_id"})
        assert hidden["value"] == f"product:{slug}"
        quantity = form.find("input", attrs={"name": "quantity"})
        assert form.find("label", attrs={"for": quantity["id"]})
        button = form.find("button", type="submit")
        assert button.has_attr("disabled") == sold_out


def test_category_listings_group_the_products(sample_site: Path) -> None:
    categories = {meta["category"] for meta in PRODUCTS.values()}
    for category in categories:
        page = sample_site / f"market/category/{category}/index.html"
        doc = BeautifulSoup(page.read_text(), "html.parser")
        listed = {a["href"] for a in doc.select("main .product-card a")}
        expected = {
            f"{SITE_URL}/market/{slug}/"
            for slug, meta in PRODUCTS.items()
            if meta["category"] == category
        }
        assert listed == expected, category
