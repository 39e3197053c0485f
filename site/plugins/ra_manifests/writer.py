"""Write ``_data/catalog.json`` and ``_data/activitystreams.json`` into the built site.

Posts and products come from the Pelican context; other plugins add theirs by appending dicts
to ``context["manifest_catalog_items"]`` and ``context["manifest_activity_objects"]`` (see
ra_events). Only published content is in the context lists, so drafts and future posts are
absent. Every string is passed through the asset rewrite (hashed image names) and then
``content_hash`` is computed over the final entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ra_core import content_hash, write_new

from ra_manifests.entries import (
    Entry,
    absolute,
    actors,
    post_object,
    product_item,
    product_object,
)

SCHEMA_VERSION = 1
CATALOG_KEY = "manifest_catalog_items"
ACTIVITY_KEY = "manifest_activity_objects"
DATA_DIR = "_data"


def _map_strings(value: Any, rewrite: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, rewrite) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, rewrite) for v in value]
    return value


def finish(entries: list[Entry], rewrite: Callable[[str], str]) -> list[Entry]:
    """Rewrite asset URLs, then (re)compute content_hash over what is written."""
    finished = []
    for entry in entries:
        body = _map_strings({k: v for k, v in entry.items() if k != "content_hash"}, rewrite)
        body["content_hash"] = content_hash(body)
        finished.append(body)
    return sorted(finished, key=lambda e: e["id"])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifests(
    context: Mapping[str, Any], rewrite: Callable[[str], str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(catalog, activitystreams) as dicts, ready for json.dump."""
    site_url = str(context["SITEURL"]).rstrip("/")
    products = list(context.get("products", []))
    articles = list(context.get("articles", []))
    header = {"schema_version": SCHEMA_VERSION, "generated_at": _now(), "site_url": site_url}
    catalog = header | {
        "items": finish(
            [product_item(p, site_url) for p in products] + list(context.get(CATALOG_KEY, [])),
            rewrite,
        ),
        "newsletters": [dict(n) for n in context.get("RA_NEWSLETTERS", [])],
    }
    logo = rewrite(absolute(site_url, str(context.get("RA_LOGO", ""))))
    activity = header | {
        "actors": actors(context, site_url, logo),
        "objects": finish(
            [post_object(a, site_url) for a in articles]
            + [product_object(p, site_url) for p in products]
            + list(context.get(ACTIVITY_KEY, [])),
            rewrite,
        ),
    }
    return catalog, activity


def write_manifests(
    context: MutableMapping[str, Any], output: Path, asset_map: Mapping[str, str]
) -> tuple[Path, Path]:
    from ra_assets.fingerprint import reference_rewriter

    catalog, activity = build_manifests(
        context, reference_rewriter(asset_map, str(context["SITEURL"]))
    )
    folder = output / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "catalog.json", folder / "activitystreams.json")
    for path, data in zip(paths, (catalog, activity), strict=True):
        write_new(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return paths
