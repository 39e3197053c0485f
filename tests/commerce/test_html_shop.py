"""The no-JavaScript shop over HTTP (in-process app, SQLite and PostgreSQL): the static pages'
form post lands on the HTML cart page, the cart page's forms change it and check out to SumUp's
hosted page (the fake SumUp process), and every refusal is a readable 4xx HTML page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from bs4 import BeautifulSoup
from litestar.testing import AsyncTestClient

from commerce_api.app import create_app
from commerce_api.db import Database
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce import catalogs
from tests.commerce.conftest import make_settings
from tests.commerce.shop import FREE_TALK, HONEY, JAM
from tests.conftest import REPO_ROOT

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SITE = "https://rose-ash.example.coop"  # make_settings' SITE_URL, the only allowed origin


@pytest.fixture
async def browser(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> AsyncIterator[AsyncTestClient]:
    """A cookie-keeping client on the app, whose SumUp client talks to the fake process."""
    async with AsyncTestClient(create_app(make_settings(database_url, fake_sumup.url))) as c:
        yield c


async def add(client: AsyncTestClient, item_id: str, quantity: str = "1", **headers: str) -> object:
    return await client.post(
        "/cart/items",
        content=f"item_id={item_id}&quantity={quantity}",
        headers={**FORM, "Origin": SITE, **headers},
        follow_redirects=False,
    )


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def assert_html_error(response: object, status: int, words: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    assert words in response.text  # type: ignore[attr-defined]
    assert 'href="' in response.text  # type: ignore[attr-defined]  # a way back


async def test_form_post_lands_on_the_cart_page_and_json_is_unchanged(
    browser: AsyncTestClient,
) -> None:
    response = await add(browser, HONEY, "2")
    assert response.status_code == 303
    assert response.headers["location"] == "/cart/view"
    assert "ra_cart=" in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]

    page = await browser.get("/cart/view")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Wildflower" in page.text or "wildflower" in page.text
    assert "£13.00" in page.text
    assert 'action="/cart/view/checkout"' in page.text

    # The same cart (cookie) grows, and the JSON API still answers JSON for cart.js.
    await add(browser, JAM, "1")
    as_json = await browser.get("/cart")
    assert as_json.json()["total_minor"] == 1300 + 425
    created = await browser.post("/cart/items", json={"item_id": JAM}, headers={"Origin": SITE})
    assert created.headers["content-type"].startswith("application/json")


async def test_quantity_change_and_remove_need_the_page_token(browser: AsyncTestClient) -> None:
    await add(browser, HONEY, "1")
    await add(browser, JAM, "1")
    page = (await browser.get("/cart/view")).text
    token = hidden(page, "cart_csrf")

    changed = await browser.post(
        "/cart/view/quantity",
        data={"cart_csrf": token, "item_id": HONEY, "quantity": "3"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    removed = await browser.post(
        "/cart/view/remove",
        data={"cart_csrf": token, "item_id": JAM},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    cart = (await browser.get("/cart")).json()
    assert [(line["item_id"], line["quantity"]) for line in cart["lines"]] == [(HONEY, 3)]
    assert "£19.50" in (await browser.get("/cart/view")).text

    forged = await browser.post("/cart/view/remove", data={"cart_csrf": "x" * 64, "item_id": HONEY})
    assert_html_error(forged, 403, "open your cart again")
    other_site = await browser.post(
        "/cart/view/remove",
        data={"cart_csrf": token, "item_id": HONEY},
        headers={"Origin": "https://evil.example"},
    )
    assert_html_error(other_site, 403, "another site")
    # Our own page (no-referrer, so Origin: null) is told apart by Sec-Fetch-Site.
    own_page = {"cart_csrf": token, "item_id": HONEY, "quantity": "2"}
    hidden_origin = await browser.post(
        "/cart/view/quantity", data=own_page, headers={"Origin": "null"}
    )
    assert_html_error(hidden_origin, 403, "another site")
    same_origin = await browser.post(
        "/cart/view/quantity",
        data=own_page,
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert same_origin.status_code == 303
    assert (await browser.get("/cart")).json()["item_count"] == 2


async def test_bad_form_input_is_a_readable_4xx_page(
    browser: AsyncTestClient, db: Database
) -> None:
    assert_html_error(await add(browser, "product:no-such-thing"), 422, "not on sale")
    assert_html_error(await add(browser, JAM, "4"), 409, "only 3")
    assert_html_error(await add(browser, HONEY, "lots"), 422, "whole number")
    assert_html_error(await add(browser, HONEY, "0"), 422, "quantity")
    assert_html_error(await add(browser, HONEY, "1" + "0" * 2_000_000), 413, "")
    assert_html_error(
        await add(browser, HONEY, "1", Origin="https://evil.example"), 403, "another site"
    )

    voucher = catalogs.product("orchard-voucher", price=1000, currency="EUR")
    await sync_catalog(db, parse_catalog(catalogs.catalog(*catalogs.sample()["items"], voucher)))
    assert (await add(browser, HONEY)).status_code == 303
    assert_html_error(await add(browser, voucher["id"]), 422, "Orchard voucher is priced in euros")

    browser.cookies.clear()
    nothing = await browser.post("/cart/view/checkout", data={"idempotency_key": "k"})
    assert_html_error(nothing, 400, "expired")
    assert_html_error(await browser.get("/orders/" + "a" * 43 + "/receipt"), 404, "")


async def test_checkout_form_goes_to_sumup_and_a_resubmit_is_the_same_order(
    browser: AsyncTestClient, fake_sumup: FakeSumUpProcess
) -> None:
    await add(browser, HONEY, "2")
    page = (await browser.get("/cart/view")).text
    form = {
        "cart_csrf": hidden(page, "cart_csrf"),
        "idempotency_key": hidden(page, "idempotency_key"),
    }
    first = await browser.post(
        "/cart/view/checkout", data=form, headers={"Origin": SITE}, follow_redirects=False
    )
    assert first.status_code == 303
    hosted = first.headers["location"]
    assert hosted.startswith(fake_sumup.url)
    again = await browser.post(
        "/cart/view/checkout", data=form, headers={"Origin": SITE}, follow_redirects=False
    )
    assert again.headers["location"] == hosted
    [checkout] = fake_sumup.checkouts()
    assert str(checkout["amount"]) == "13.00"

    latest = await browser.get("/receipts/latest", follow_redirects=False)
    assert latest.status_code == 303
    receipt = await browser.get(latest.headers["location"])
    assert receipt.status_code == 200
    assert "waiting for payment" in receipt.text
    assert checkout["checkout_reference"] in receipt.text
    assert "£13.00" in receipt.text
    assert "Your cart is empty" in (await browser.get("/cart/view")).text


async def test_free_place_is_booked_at_once_and_the_receipt_lists_its_codes(
    browser: AsyncTestClient,
) -> None:
    await add(browser, FREE_TALK, "2")
    page = (await browser.get("/cart/view")).text
    form = {
        "cart_csrf": hidden(page, "cart_csrf"),
        "idempotency_key": hidden(page, "idempotency_key"),
    }
    done = await browser.post(
        "/cart/view/checkout", data=form, headers={"Origin": SITE}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"{SITE}/order/?order=")
    order_token = done.headers["location"].rsplit("=", 1)[1]
    receipt = await browser.get(f"/orders/{order_token}/receipt")
    assert "Thank you: your order is paid." in receipt.text
    order = (await browser.get(f"/orders/{order_token}")).json()
    # The cart island prints the JSON's state_text: the same words as this page.
    assert order["state_text"] == "Thank you: your order is paid."
    assert len(order["tickets"]) == 2
    for ticket in order["tickets"]:
        assert f"<code>{ticket['code']}</code>" in receipt.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/cart/view", 200),
        ("/auth/signin", 200),
        ("/auth/register", 200),
        ("/auth/forgot-password", 200),
        ("/receipts/latest", 404),  # the error page
        ("/orders/not-an-order/receipt", 400),
    ],
)
async def test_every_api_page_wears_the_sites_header_footer_and_stylesheet(
    browser: AsyncTestClient, path: str, status: int
) -> None:
    """A shopper who leaves the static pages never lands on an unbranded page: the logo links
    home, the site's sections are one click away, the footer is the site's, and the
    stylesheet is the site's own."""
    page = await browser.get(path)
    assert page.status_code == status
    doc = BeautifulSoup(page.text, "html.parser")
    assert doc.select_one("header.site-header a.brand")["href"] == f"{SITE}/"  # type: ignore[index]
    nav = {a.get_text(): a["href"] for a in doc.select("nav.site-nav a")}
    assert nav["Market"] == f"{SITE}/market/" and nav["Events"] == f"{SITE}/events/"
    assert doc.select_one("form.cart-link")["action"] == "/cart/view"  # type: ignore[index]
    footer = {a.get_text(): a["href"] for a in doc.select("footer.site-footer nav a")}
    assert footer["Contact"] == f"{SITE}/contact/"
    assert footer["Atom feed"] == f"{SITE}/feeds/all.atom.xml"
    assert doc.select_one("main#main h1").get_text(strip=True)  # type: ignore[union-attr]
    sheet = await browser.get(doc.select_one('link[rel="stylesheet"]')["href"])  # type: ignore[arg-type, index]
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert sheet.content == (REPO_ROOT / "site/theme/static/css/site.css").read_bytes()
    assert "immutable" in sheet.headers["cache-control"]
    assert "style-src 'self'" in page.headers["content-security-policy"]
