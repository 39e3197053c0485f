"""Paged OrderedCollections (outbox, followers, following), newest first."""

from __future__ import annotations

import math
from typing import Any


def collection(collection_id: str, total: int, page_size: int) -> dict[str, Any]:
    """The collection head: ``totalItems`` and links to its first and last pages."""
    pages = max(1, math.ceil(total / page_size))
    document: dict[str, Any] = {
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if total:
        document["first"] = f"{collection_id}?page=1"
        document["last"] = f"{collection_id}?page={pages}"
    return document


def collection_page(
    collection_id: str, page: int, total: int, page_size: int, items: list[Any]
) -> dict[str, Any]:
    """One OrderedCollectionPage with ``next``/``prev`` where they exist."""
    document: dict[str, Any] = {
        "id": f"{collection_id}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": collection_id,
        "totalItems": total,
        "orderedItems": items,
    }
    if page * page_size < total:
        document["next"] = f"{collection_id}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{collection_id}?page={page - 1}"
    return document
