"""The catalogue served from memory: ETag and 304, Cache-Control, a sync shown at once and a
stock change shown once the snapshot's age passes ``MAX_AGE_SECONDS`` (under a second)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import text

from commerce_api.db import Database
from commerce_api.domain.catalog import CatalogCache, parse_catalog, sync_catalog
from commerce_api.domain.catalog._cache import MAX_AGE_SECONDS
from commerce_api.domain.orders import reserve
from tests.commerce import catalogs
from tests.commerce.shop import BREAD, JAM


async def test_etag_304_and_cache_control(client: AsyncTestClient) -> None:
    first = await client.get("/catalog")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=1"
    assert first.headers["content-type"].startswith("application/json")
    assert JAM in {item["id"] for item in first.json()}

    again = await client.get("/catalog", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak_in_list = await client.get("/catalog", headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak_in_list.status_code == 304
    other = await client.get("/catalog", headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.json() == first.json()

    tickets = await client.get("/catalog", params={"kind": "ticket"})
    assert tickets.headers["etag"] != etag
    assert {item["kind"] for item in tickets.json()} == {"ticket"}

    jam = await client.get(f"/catalog/{JAM}")
    assert jam.json()["id"] == JAM and jam.headers["etag"] not in (etag, None)
    same = await client.get(f"/catalog/{JAM}", headers={"If-None-Match": jam.headers["etag"]})
    assert same.status_code == 304
    missing = await client.get("/catalog/product:nothing-like-this")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_a_sync_shows_at_once(client: AsyncTestClient, db: Database) -> None:
    before = await client.get("/catalog")
    data = catalogs.sample()
    data["items"] = [i for i in data["items"] if i["id"] != JAM]
    data["items"].append(catalogs.product("quince-cheese", price=700))
    await sync_catalog(db, parse_catalog(data))

    after = await client.get("/catalog", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    ids = {item["id"] for item in after.json()}
    assert "product:quince-cheese" in ids and JAM not in ids
    assert (await client.get(f"/catalog/{JAM}")).status_code == 404


async def _sold_elsewhere(db: Database, item_id: str) -> None:
    """What another worker process's checkout does to the row (this process is not told)."""
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE items SET available = available - 1 WHERE id = :id"), {"id": item_id}
        )


async def test_a_stock_change_elsewhere_shows_once_the_snapshot_is_older_than_max_age(
    db: Database,
) -> None:
    now = [1000.0]
    cache = CatalogCache(db, clock=lambda: now[0])
    before = await cache.snapshot()
    left = before.items[JAM].available
    assert left is not None and left > 0

    await _sold_elsewhere(db, JAM)
    assert await cache.snapshot() is before  # fresh: no query for every reader
    now[0] += MAX_AGE_SECONDS
    after = await cache.snapshot()
    assert after.items[JAM].available == left - 1
    assert after.lists[None].etag != before.lists[None].etag
    assert after.items[BREAD].available is None  # unlimited stays unlimited
    assert MAX_AGE_SECONDS <= 1.0  # what the shop promises: stock at most a second behind


async def test_a_reservation_in_this_process_shows_at_once(
    client: AsyncTestClient, db: Database
) -> None:
    before = (await client.get(f"/catalog/{JAM}")).json()["available"]
    async with db.transaction() as session:
        await reserve(session, [(JAM, 2)])
    assert (await client.get(f"/catalog/{JAM}")).json()["available"] == before - 2
