"""What a shopper reads when the shop refuses something says what happened and what to do,
with the product's title, and never an internal id (issue 11 item 3: a shopper read
``this cart is in GBP; product:apple-chips-jp is priced in JPY``)."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from commerce_api.db import Database
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from tests.commerce import catalogs
from tests.commerce.shop import ADULT, HONEY, JAM, Shopper

INTERNAL_ID = re.compile(r"(product|ticket|event):[\w:-]+")


async def test_refusals_are_plain_words_without_ids(db: Database, client: AsyncTestClient) -> None:
    sample = catalogs.sample()
    chips = catalogs.product("apple-chips", price=300, currency="JPY", title="Apple chips")
    await sync_catalog(db, parse_catalog(catalogs.catalog(*sample["items"], chips)))
    shopper = Shopper(client)
    cart = {"X-Cart-Token": await shopper.cart((HONEY, 1))}

    mixed = await client.post("/cart/items", json={"item_id": "product:apple-chips"}, headers=cart)
    assert mixed.status_code == 422
    assert mixed.json()["detail"] == (
        "Apple chips is priced in yen and this cart is in pounds: check them out separately"
    )
    answers = [
        mixed,
        await client.post("/cart/items", json={"item_id": "product:nope"}, headers=cart),
        await client.put("/cart/items/product:plum-jam", json={"quantity": 1}, headers=cart),
        await client.delete(f"/cart/items/{ADULT}", headers=cart),
        await client.post("/cart/items", json={"item_id": JAM, "quantity": 9}, headers=cart),
        await client.get("/catalog/product:nope"),
        await client.post("/bookings", json={"item_id": ADULT, "email": "a@example.org"}),
        await client.post("/bookings", json={"item_id": "ticket:x:y", "email": "a@example.org"}),
    ]
    details = [a.json()["detail"] for a in answers]
    assert all(400 <= a.status_code < 500 for a in answers)
    assert [d for d in details if INTERNAL_ID.search(d)] == []
    assert "only 3 of Plum jam left" in details[4]
    assert "add it to your cart" in details[6]

    # Checkout of a line no longer on sale names it by its title.
    jam_cart = await shopper.cart((JAM, 1))
    await sync_catalog(db, parse_catalog(catalogs.catalog(*sample["items"][:1])))
    gone = await shopper.checkout(jam_cart)
    assert gone.status_code == 422
    assert gone.json()["detail"] == "Plum jam is no longer on sale: remove it from your cart"
