"""Free bookings (RSVP) honour ``Idempotency-Key`` like checkout: a retry returns the first
booking and never takes a second place, also when the retries race on two engines."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from commerce_api.db import Database
from commerce_api.domain.tickets import book_free
from tests.commerce.shop import FREE_TALK, Shopper

EMAIL = "rsvp@example.org"


async def test_racing_retries_of_one_booking_take_one_place(
    db: Database, database_url: str
) -> None:
    other = Database(database_url)  # a second server process: its own engine and pool
    try:
        results = await asyncio.gather(
            *(
                book_free(
                    other if i % 2 else db,
                    FREE_TALK,
                    1,
                    email="rsvp@example.org",
                    idempotency_key="rsvp-1",
                )
                for i in range(8)
            )
        )
    finally:
        await other.dispose()
    assert len({order.id for order, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    # The same key from a member is another booking (keys are scoped to who sends them).
    mine, created = await book_free(db, FREE_TALK, 1, idempotency_key="rsvp-1", member_id="m1")
    assert created and mine.id != results[0][0].id


async def test_booking_over_http_with_an_idempotency_key(client: AsyncTestClient) -> None:
    shopper = Shopper(client)
    key = {"Idempotency-Key": "c6d1c9c4-booking"}
    first = await client.post("/bookings", json={"item_id": FREE_TALK, "email": EMAIL}, headers=key)
    assert first.status_code == 201, first.text
    again = await client.post("/bookings", json={"item_id": FREE_TALK, "email": EMAIL}, headers=key)
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["tickets"] == first.json()["tickets"]
    assert await shopper.available(FREE_TALK) == 1  # one place taken, not two

    other = await client.post(
        "/bookings", json={"item_id": FREE_TALK, "quantity": 2, "email": EMAIL}, headers=key
    )
    assert (other.status_code, other.json()["field"]) == (409, "Idempotency-Key")
    bad = await client.post(
        "/bookings",
        json={"item_id": FREE_TALK, "email": EMAIL},
        headers={"Idempotency-Key": "k" * 201},
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "Idempotency-Key")
    assert await shopper.available(FREE_TALK) == 1


async def test_concurrent_bookings_by_one_address_stay_within_the_limit(
    db: Database, database_url: str
) -> None:
    """Issue 11 item 4: the per-address limit holds for a burst from two server processes."""
    from commerce_api.domain.catalog import parse_catalog, sync_catalog
    from commerce_api.errors import InvalidInput
    from commerce_api.settings import Settings
    from tests.commerce import catalogs

    cafe = catalogs.ticket("repair-cafe", "slot", price=0, capacity=20)
    await sync_catalog(db, parse_catalog(catalogs.catalog(*catalogs.sample()["items"], cafe)))
    settings = Settings(booking_max_places=3)
    other = Database(database_url)

    async def one(i: int) -> bool:
        try:
            await book_free(
                other if i % 2 else db,
                cafe["id"],
                1,
                email="hoarder@example.org",
                settings=settings,
            )
        except InvalidInput:
            return False
        return True

    try:
        booked = await asyncio.gather(*(one(i) for i in range(8)))
    finally:
        await other.dispose()
    assert sum(booked) == 3
