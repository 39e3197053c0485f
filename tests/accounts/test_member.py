"""What a signed-in member sees and does: the cart merge at sign-in, bookings (cancelling
frees the place), and newsletters with double opt-in and one-click unsubscribe."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from commerce_api.db import Database
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from tests.accounts.helpers import api, link_in, make_settings, outbox, register_and_verify, sign_in
from tests.commerce import catalogs
from tests.oauth.helpers import form_fields

ANN = "ann@example.org"
HONEY, JAM, TALK = "product:wildflower-honey", "product:plum-jam", "ticket:orchard-talk:free"


async def _sync(database_url: str, catalog: Path) -> None:
    db = Database(database_url)
    try:
        await sync_catalog(db, parse_catalog(json.loads(catalog.read_text())))
    finally:
        await db.dispose()


async def test_cart_merge_bookings_and_newsletters(database_url: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalogs.sample()))
    async with api(make_settings(database_url, catalog_path=str(catalog))) as client:
        await _sync(database_url, catalog)
        await register_and_verify(client, database_url, ANN)

        # Device A: an anonymous cart becomes the member's cart at sign-in.
        added = await client.post("/cart/items", json={"item_id": HONEY, "quantity": 2})
        device_a_cart = added.json()["token"]
        assert (await sign_in(client, ANN))["cart_token"] == device_a_cart

        # Device B: a fresh browser fills a cart, then signs in: the carts merge.
        client.cookies.clear()
        await client.post("/cart/items", json={"item_id": HONEY, "quantity": 1})
        device_b = await client.post("/cart/items", json={"item_id": JAM, "quantity": 1})
        device_b_cart = device_b.json()["token"]
        info = await sign_in(client, ANN)
        assert info["cart_token"] == device_a_cart
        assert client.cookies["ra_cart"] == device_a_cart
        merged = (await client.get("/cart/")).json()
        assert {line["item_id"]: line["quantity"] for line in merged["lines"]} == {
            HONEY: 3,
            JAM: 1,
        }
        gone = await client.get("/cart/", headers={"X-Cart-Token": device_b_cart})
        assert gone.status_code == 404

        # Bookings: the free talk has two places; cancelling gives them back.
        csrf = {"X-CSRF-Token": info["csrf_token"]}
        booked = await client.post("/bookings", json={"item_id": TALK, "quantity": 2}, headers=csrf)
        assert booked.status_code == 201, booked.text
        full = await client.post("/bookings", json={"item_id": TALK, "quantity": 1}, headers=csrf)
        assert full.status_code == 409
        bookings = (await client.get("/account/bookings")).json()
        assert [b["reference"] for b in bookings] == [booked.json()["reference"]]
        assert len((await client.get("/account/tickets")).json()) == 2
        reference = bookings[0]["reference"]
        refused = await client.post(f"/account/bookings/{reference}/cancel")
        assert refused.status_code == 403  # cookie-authenticated: CSRF token required
        cancelled = await client.post(f"/account/bookings/{reference}/cancel", headers=csrf)
        assert cancelled.status_code == 204
        tickets = (await client.get("/account/tickets")).json()
        assert {t["state"] for t in tickets} == {"void"}
        again = await client.post("/bookings", json={"item_id": TALK, "quantity": 2}, headers=csrf)
        assert again.status_code == 201

        # Newsletters: listed from the catalogue; double opt-in; one-click unsubscribe.
        listed = (await client.get("/newsletters/")).json()
        assert [n["id"] for n in listed] == ["newsletter:monthly"]
        unknown = await client.post("/newsletters/newsletter:nope/subscribe", json={}, headers=csrf)
        assert unknown.status_code == 422
        asked = await client.post(
            "/newsletters/newsletter:monthly/subscribe", json={}, headers=csrf
        )
        assert asked.status_code == 202
        mine = (await client.get("/account/newsletters")).json()
        assert [(s["newsletter_id"], s["status"]) for s in mine] == [
            ("newsletter:monthly", "pending")
        ]
        confirm_mail = (await outbox(database_url, ANN))[-1]
        link = link_in(confirm_mail.body_text, "/newsletters/confirm-link")
        page = await client.get(link.split("127.0.0.1:9", 1)[-1])
        confirmed = await client.post("/newsletters/confirm-link", data=form_fields(page.text))
        assert confirmed.status_code == 200 and "subscribed" in confirmed.text
        assert (await client.get("/account/newsletters")).json()[0]["status"] == "subscribed"

        welcome = (await outbox(database_url, ANN))[-1]
        assert welcome.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        target = urlsplit(welcome.headers["List-Unsubscribe"].strip("<>"))
        client.cookies.clear()  # a mail client: no session at all
        tampered = await client.post(
            f"{target.path}?{target.query.replace('sig=', 'sig=x')}",
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert tampered.status_code == 400
        one_click = await client.post(
            f"{target.path}?{target.query}",
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert one_click.status_code == 200
        csrf = {"X-CSRF-Token": (await sign_in(client, ANN))["csrf_token"]}
        assert (await client.get("/account/newsletters")).json()[0]["status"] == "unsubscribed"

        # Signed in, a member can also leave from the account page (CSRF-checked); the id
        # may arrive percent-encoded, as a browser's encodeURIComponent sends it.
        await client.post("/newsletters/newsletter%3Amonthly/subscribe", json={}, headers=csrf)
        confirm_mail = (await outbox(database_url, ANN))[-1]
        token = link_in(confirm_mail.body_text, "/newsletters/confirm-link").split("token=")[1]
        assert (await client.post("/newsletters/confirm", json={"token": token})).status_code == 200
        leave = "/account/newsletters/newsletter%3Amonthly/unsubscribe"
        assert (await client.post(leave)).status_code == 403
        assert (await client.post(leave, headers=csrf)).status_code == 204
        assert (await client.get("/account/newsletters")).json()[0]["status"] == "unsubscribed"
        never = await client.post("/account/newsletters/newsletter:other/unsubscribe", headers=csrf)
        assert never.status_code == 404


async def test_a_signed_in_member_subscribes_the_address_they_typed(
    database_url: str, tmp_path: Path
) -> None:
    """The address in the body is the one subscribed, and checked, even when signed in; it
    is the member's subscription only when it is the member's own address."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalogs.sample()))
    async with api(make_settings(database_url, catalog_path=str(catalog))) as client:
        await _sync(database_url, catalog)
        await register_and_verify(client, database_url, ANN)
        csrf = {"X-CSRF-Token": (await sign_in(client, ANN))["csrf_token"]}
        url = "/newsletters/newsletter:monthly/subscribe"

        typo = await client.post(url, json={"email": "ann.example.org"}, headers=csrf)
        assert typo.status_code == 422
        assert typo.headers["content-type"].startswith("application/problem+json")
        assert "email" in typo.text
        assert (await client.get("/account/newsletters")).json() == []

        other = await client.post(url, json={"email": "Bob@Example.org"}, headers=csrf)
        assert other.status_code == 202
        assert (await outbox(database_url, "bob@example.org"))[-1].subject.startswith("Confirm")
        assert (await client.get("/account/newsletters")).json() == []  # not Ann's

        own = await client.post(url, json={"email": " ANN@example.org "}, headers=csrf)
        assert own.status_code == 202
        mine = (await client.get("/account/newsletters")).json()
        assert [(s["newsletter_id"], s["status"]) for s in mine] == [
            ("newsletter:monthly", "pending")
        ]
