"""Fixture catalogues that follow docs/manifests.md exactly (schema_version 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manifest_contract import with_content_hash as with_hash

SITE = "https://rose-ash.example.coop"


def product(
    slug: str, *, price: int = 650, stock: int | None = 24, currency: str = "GBP", **extra: Any
) -> dict[str, Any]:
    return with_hash(
        {
            "id": f"product:{slug}",
            "kind": "product",
            "title": slug.replace("-", " ").capitalize(),
            "url": f"{SITE}/market/{slug}/",
            "price": price,
            "currency": currency,
            "stock": stock,
            "category": "pantry",
            "image": f"{SITE}/images/{slug}.3f2a9c1b.jpg",
            **extra,
        }
    )


def ticket(
    event: str, slug: str, *, price: int = 500, capacity: int = 120, currency: str = "GBP"
) -> dict[str, Any]:
    return with_hash(
        {
            "id": f"ticket:{event}:{slug}",
            "kind": "ticket",
            "event_id": f"event:{event}",
            "event_title": event.replace("-", " ").capitalize(),
            "title": f"{event}: {slug}",
            "url": f"{SITE}/events/{event}/",
            "price": price,
            "currency": currency,
            "capacity": capacity,
            "starts_at": "2026-12-12T10:00:00+00:00",
            "ends_at": "2026-12-13T16:00:00+00:00",
        }
    )


def catalog(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "generated_at": "2026-11-27T12:00:00Z",
        "site_url": SITE,
        "items": list(items),
        "newsletters": [
            {"id": "newsletter:monthly", "title": "Monthly news", "description": "Monthly."}
        ],
    }


def sample() -> dict[str, Any]:
    """A small shop: honey (24), jam (3 left), bread (unlimited), a fair, a free talk."""
    return catalog(
        product("wildflower-honey", price=650, stock=24),
        product("plum-jam", price=425, stock=3),
        product("sourdough", price=380, stock=None),
        ticket("winter-fair-2026", "adult", price=500, capacity=120),
        ticket("orchard-talk", "free", price=0, capacity=2),
    )


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
