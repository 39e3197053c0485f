"""build/_data/catalog.json and activitystreams.json against docs/manifests.md and the content."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from manifest_contract import content_hash
from manifest_contract.catalog import decode_catalog
from tests.static.conftest import SITE_URL
from tests.static.test_site_build import PUBLISHED_POSTS
from tests.static.test_site_market import PRODUCTS

UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def load(site: Path, name: str) -> dict:
    return json.loads((site / "_data" / name).read_text(encoding="utf-8"))


def url_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL + "/"), url
    relative = url[len(SITE_URL) + 1 :]
    return site / (relative + "index.html" if relative.endswith("/") or not relative else relative)


@pytest.fixture(scope="module")
def catalog(sample_site: Path) -> dict:
    return load(sample_site, "catalog.json")


@pytest.fixture(scope="module")
def activity(sample_site: Path) -> dict:
    return load(sample_site, "activitystreams.json")


def test_headers(catalog: dict, activity: dict) -> None:
    for doc in (catalog, activity):
        assert doc["schema_version"] == 1
        assert doc["site_url"] == SITE_URL
        assert UTC_TIME.fullmatch(doc["generated_at"])


def test_catalog_products_match_the_content(sample_site: Path, catalog: dict) -> None:
    products = {i["id"]: i for i in catalog["items"] if i["kind"] == "product"}
    assert set(products) == {f"product:{slug}" for slug in PRODUCTS}
    for slug, meta in PRODUCTS.items():
        item = products[f"product:{slug}"]
        assert item["title"] == meta["title"]
        assert item["price"] == int(meta["price"]) and item["currency"] == meta["currency"]
        stock = None if meta["stock"] == "unlimited" else int(meta["stock"])
        assert item["stock"] == stock
        assert item["category"] == meta["category"]
        assert item["url"] == f"{SITE_URL}/market/{slug}/"
        assert url_file(sample_site, item["url"]).is_file()
        assert re.search(r"\.[0-9a-f]{8}\.png$", item["image"])
        assert url_file(sample_site, item["image"]).is_file()


def test_every_entry_hash_is_over_its_canonical_json(catalog: dict, activity: dict) -> None:
    entries = catalog["items"] + activity["objects"]
    assert entries
    for entry in entries:
        assert entry["content_hash"] == content_hash(entry), entry["id"]


def test_the_built_catalogue_keeps_the_contract_the_shop_reads(catalog: dict) -> None:
    decoded = decode_catalog(catalog)
    assert [item.id for item in decoded.items] == [item["id"] for item in catalog["items"]]


def test_newsletters(catalog: dict) -> None:
    ids = [n["id"] for n in catalog["newsletters"]]
    assert "newsletter:monthly" in ids
    assert all(n["title"] and n["description"] for n in catalog["newsletters"])


def test_activity_objects_for_posts(sample_site: Path, activity: dict) -> None:
    posts = {o["id"]: o for o in activity["objects"] if o["section"] == "blog"}
    assert set(posts) == {f"post:{slug}" for slug in PUBLISHED_POSTS}
    harvest = posts["post:apple-harvest-2026"]
    assert harvest["type"] == "Article"
    assert harvest["name"] == "A heavy apple harvest"
    assert harvest["url"] == f"{SITE_URL}/blog/2026/apple-harvest-2026/"
    assert harvest["published"] == "2026-09-21T17:00:00Z"  # 18:00 BST
    assert {t["name"] for t in harvest["tag"]} == {"#orchard", "#harvest"}
    assert harvest["summary"].startswith("<p>") and "three tonnes" in harvest["content"]
    assert harvest["updated"] is None
    assert posts["post:winter-opening-hours"]["updated"] == "2026-11-20T14:30:00Z"  # GMT
    for post in posts.values():
        assert UTC_TIME.fullmatch(post["published"])
        assert url_file(sample_site, post["url"]).is_file()
        for tag in post["tag"]:
            assert url_file(sample_site, tag["href"]).is_file()
        for image in post["attachment"]:
            assert image["type"] == "Image" and image["mediaType"] == "image/png"
            assert image["name"].strip()
            assert url_file(sample_site, image["url"]).is_file()
            # Mastodon lays the preview out from these; read back from the PNG's own header
            assert (image["width"], image["height"]) == png_size(
                url_file(sample_site, image["url"])
            )
        assert 'src="/' not in post["content"]  # links are absolute


def test_activity_objects_for_products(activity: dict) -> None:
    notes = {o["id"]: o for o in activity["objects"] if o["section"] == "market"}
    assert set(notes) == {f"product:{slug}" for slug in PRODUCTS}
    honey = notes["product:wildflower-honey"]
    assert honey["type"] == "Note"
    assert honey["price"] == {"amount": 650, "currency": "GBP", "display": "£6.50"}
    assert honey["availability"] == "InStock"
    assert notes["product:bramble-jam"]["availability"] == "OutOfStock"


def test_actors(activity: dict, sample_site: Path) -> None:
    names = {a["name"] for a in activity["actors"]}
    assert {"blog", "market"} <= names
    for actor in activity["actors"]:
        assert url_file(sample_site, actor["icon"]).is_file()
        assert url_file(sample_site, actor["image"]).is_file()  # the profile header
    assert activity["language"] == "en"  # the site's DEFAULT_LANG: contentMap's key


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (PNG spec 11.2.2), read without a library."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.parametrize("name", ["catalog.json", "activitystreams.json"])
def test_manifests_are_plain_indented_json(sample_site: Path, name: str) -> None:
    # The writer joins entries serialised in earlier builds; the file must still be exactly
    # what one json.dumps(indent=2) of its data gives (readers diff and hash these files).
    text = (sample_site / "_data" / name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["items" if name == "catalog.json" else "objects"]
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_only_posts_pinned_in_their_front_matter_carry_pinned() -> None:
    from types import SimpleNamespace

    from ra_manifests.entries import post_object

    def article(**meta: str) -> SimpleNamespace:
        return SimpleNamespace(slug="x", title="X", summary="", content="<p>x</p>",
                               url="blog/x/", date=None, tags=[], image=None, **meta)  # fmt: skip

    assert post_object(article(pinned="true"), SITE_URL)["pinned"] is True
    assert post_object(article(pinned="yes"), SITE_URL)["pinned"] is True
    # absent (not false) otherwise, so an unpinned post's content_hash is what it was
    assert "pinned" not in post_object(article(pinned="false"), SITE_URL)
    assert "pinned" not in post_object(article(), SITE_URL)


def test_the_build_refuses_to_write_an_entry_a_server_would_refuse() -> None:
    # Entries are written through the contract's structs: a relative image URL (which the
    # federation server would publish as a broken link) stops the build, naming the entry.
    from ra_manifests.writer import checked

    from manifest_contract.activitystreams import ActivityObject
    from manifest_contract.catalog import ContractError

    entry = {"id": "post:x", "section": "blog", "type": "Article",
             "url": "https://rose-ash.example.coop/blog/x/", "content_hash": "sha256:" + "0" * 64,
             "attachment": [{"type": "Image", "url": "images/x.png"}]}  # fmt: skip
    with pytest.raises(ContractError, match=r"^post:x\.attachment\[0\]\.url: must be an absolute"):
        checked(entry, ActivityObject)
    entry["attachment"][0]["url"] = "https://rose-ash.example.coop/images/x.png"
    assert checked(entry, ActivityObject) is entry
