"""Paged OrderedCollections (outbox, followers, following), newest first."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


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


async def paged(
    session: AsyncSession,
    collection_id: str,
    *,
    item: InstrumentedAttribute[Any],
    newest_first: InstrumentedAttribute[Any],
    where: tuple[ColumnElement[bool], ...],
    page: int | None,
    page_size: int,
) -> dict[str, Any]:
    """The collection of ``item`` over the rows matching ``where``: its head when ``page``
    is None, else that page, newest (highest ``newest_first``) first."""
    total = int(await session.scalar(select(func.count(newest_first)).where(*where)) or 0)
    if page is None:
        return collection(collection_id, total, page_size)
    rows = await session.scalars(
        select(item)
        .where(*where)
        .order_by(newest_first.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return collection_page(collection_id, page, total, page_size, list(rows.all()))
