"""Catalogue sync: upsert, removal makes items unavailable, stock survives re-syncs, and a
malformed catalogue is refused whole, naming the field, with nothing changed."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from commerce_api.db import Database
from commerce_api.db.models import Item
from commerce_api.domain.catalog import (
    CatalogError,
    load_catalog_file,
    parse_catalog,
    sync_catalog,
)
from commerce_api.domain.orders import reserve
from tests.commerce import catalogs
from tests.conftest import REPO_ROOT


async def items(db: Database) -> dict[str, Item]:
    async with db.sessions() as session:
        return {i.id: i for i in await session.scalars(select(Item))}


async def test_sync_upserts_keeps_sales_and_never_deletes(db: Database) -> None:
    stored = await items(db)
    honey = stored["product:wildflower-honey"]
    assert (honey.price_minor, honey.currency, honey.available, honey.active) == (
        650,
        "GBP",
        24,
        True,
    )
    assert stored["product:sourdough"].available is None  # null stock = unlimited
    fair = stored["ticket:winter-fair-2026:adult"]
    assert (fair.kind, fair.event_id, fair.available) == ("ticket", "event:winter-fair-2026", 120)
    assert fair.starts_at is not None and fair.starts_at.utcoffset() is not None

    async with db.transaction() as session:
        await reserve(session, [("product:wildflower-honey", 4)])
    report = await sync_catalog(db, parse_catalog(catalogs.sample()))
    assert report.added == [] and report.updated == [] and report.deactivated == []
    assert (await items(db))["product:wildflower-honey"].available == 20  # sales remembered

    # The author restocks (24 -> 30 adds 6 to what is left) and removes the jam.
    data = catalogs.sample()
    data["items"][0] = catalogs.product("wildflower-honey", price=700, stock=30)
    data["items"] = [i for i in data["items"] if i["id"] != "product:plum-jam"]
    report = await sync_catalog(db, parse_catalog(data))
    assert (report.updated, report.deactivated) == (
        ["product:wildflower-honey"],
        ["product:plum-jam"],
    )
    after = await items(db)
    assert (
        after["product:wildflower-honey"].available,
        after["product:wildflower-honey"].price_minor,
    ) == (26, 700)
    assert after["product:plum-jam"].active is False  # kept for the orders that name it
    assert after["product:plum-jam"].title == "Plum jam"

    report = await sync_catalog(db, parse_catalog(catalogs.sample()))
    assert "product:plum-jam" in report.updated
    assert (await items(db))["product:plum-jam"].active is True


def _broken(mutate) -> dict:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(catalogs.sample())
    mutate(data)
    return data


BROKEN = {
    "schema_version": lambda d: d.update(schema_version=2),
    "items": lambda d: d.update(items={"not": "a list"}),
    "items[0].price": lambda d: d["items"][0].update(price="6.50"),
    "items[1].stock": lambda d: d["items"][1].update(stock=-1),
    "items[2].currency": lambda d: d["items"][2].update(currency="pounds"),
    "items[3].capacity": lambda d: d["items"][3].pop("capacity"),
    "items[3].starts_at": lambda d: d["items"][3].update(starts_at="2026-12-12T10:00:00"),
    "items[4].kind": lambda d: d["items"][4].update(kind="raffle"),
    "items[0].id": lambda d: d["items"][0].update(id="honey"),
    "items[1].content_hash": lambda d: d["items"][1].update(content_hash="md5:abc"),
    "items[0].url": lambda d: d["items"][0].update(url="/market/honey/"),
    # What the database could not store is refused here, before anything is written.
    "items[0].title": lambda d: d["items"][0].update(title="H" * 301),
    "items[1].price": lambda d: d["items"][1].update(price=2**40),
    "items[2].category": lambda d: d["items"][2].update(category="bread\u0000"),
    "items[3].event_title": lambda d: d["items"][3].update(event_title="F" * 301),
}


@pytest.mark.parametrize("field", sorted(BROKEN))
def test_malformed_catalogue_names_the_field(field: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_broken(BROKEN[field]))
    assert caught.value.field == field


def test_duplicate_ids_are_refused() -> None:
    data = catalogs.sample()
    data["items"].append(copy.deepcopy(data["items"][0]))
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert caught.value.field == "items[5].id"


def test_optional_additions_are_accepted() -> None:
    data = catalogs.sample()
    data["items"][0]["subtitle"] = "a field added later without a version bump"
    assert len(parse_catalog(data).items) == 5


async def test_cli_sync_rejects_malformed_file_and_changes_nothing(
    database_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    good = catalogs.write(tmp_path / "good.json", catalogs.sample())
    run = [sys.executable, "-m", "commerce_api", "sync-catalog"]
    early = subprocess.run(
        [*run, str(good)], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert early.returncode == 1  # before any migration: said plainly, no traceback
    assert "run: python -m commerce_api migrate" in early.stderr
    assert "Traceback" not in early.stderr
    migrated = subprocess.run(
        [sys.executable, "-m", "commerce_api", "migrate"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr
    ok = subprocess.run([*run, str(good)], env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "5 added" in ok.stdout

    data = catalogs.sample()
    data["items"][0]["price"] = 999  # a valid change...
    data["items"][3]["capacity"] = "lots"  # ...next to a broken one
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    refused = subprocess.run(
        [*run, str(bad)], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "items[3].capacity" in refused.stderr

    db = Database(database_url)
    try:
        assert (await items(db))["product:wildflower-honey"].price_minor == 650
        # The migrations build exactly what the models describe.
        async with db.engine.connect() as conn:
            drift = await conn.run_sync(_schema_drift)
        assert drift == []
    finally:
        await db.dispose()


COMMERCE_TABLES = {"items", "carts", "cart_lines", "orders", "order_lines", "tickets"}


def _schema_drift(connection) -> list:  # type: ignore[no-untyped-def, type-arg]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import commerce_api.db.models  # noqa: F401
    from commerce_api.db import Base

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, Base.metadata)

    def table_of(diff) -> str | None:  # type: ignore[no-untyped-def]
        for part in diff if isinstance(diff, tuple) else diff[0]:
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if name in COMMERCE_TABLES:
                return str(name)
        return None

    return [d for d in diffs if table_of(d) in COMMERCE_TABLES]


async def test_concurrent_syncs_of_one_catalogue_count_a_restock_once(
    db: Database, database_url: str
) -> None:
    """Two deploys sync the same new catalogue at once (two engines) while a checkout holds
    the honey row: honey goes from 24 to 30 in stock, so 6 more are on sale, not 12."""
    restocked = catalogs.sample()
    restocked["items"][0] = catalogs.product("wildflower-honey", price=650, stock=30)
    other, holder = Database(database_url), Database(database_url)
    try:
        async with holder.transaction() as session:  # a checkout holding the row a moment
            await session.execute(
                update(Item).where(Item.id == "product:wildflower-honey").values(available=24)
            )
            syncs = asyncio.gather(
                sync_catalog(db, parse_catalog(restocked)),
                sync_catalog(other, parse_catalog(restocked)),
            )
            await asyncio.sleep(0.5)  # both syncs have read the old row and queue behind it
        await syncs
    finally:
        await other.dispose()
        await holder.dispose()
    honey = (await items(db))["product:wildflower-honey"]
    assert (honey.catalog_quantity, honey.available) == (30, 30)


def test_a_catalogue_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b"\xff\xfe" + json.dumps(catalogs.sample()).encode("utf-16-le"))
    with pytest.raises(CatalogError) as refused:
        load_catalog_file(path)
    assert refused.value.field == "$" and "UTF-8" in refused.value.detail


def test_a_malformed_catalogue_file_is_refused_naming_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    data = catalogs.sample()
    data["items"][0]["price"] = -1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        load_catalog_file(path)
    assert refused.value.field == "items[0].price"
    assert refused.value.detail.startswith(f"{path}: ")
