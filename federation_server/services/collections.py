"""Paged OrderedCollections (outbox, followers, following), newest first."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from federation_server.db.models import OutboxActivity, PublishedObject


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
    return await paged_select(
        session, collection_id, select(item).where(*where), newest_first,
        page=page, page_size=page_size, item=lambda row: row[0],
    )  # fmt: skip


async def paged_select(
    session: AsyncSession,
    collection_id: str,
    query: Select[Any],
    newest_first: Any,
    *,
    page: int | None,
    page_size: int,
    item: Callable[[Any], Any],
) -> dict[str, Any]:
    """``paged`` over any ``query``; ``item`` turns one result row into a collection item."""
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if page is None:
        return collection(collection_id, total, page_size)
    rows = await session.execute(
        query.order_by(newest_first.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return collection_page(collection_id, page, total, page_size, [item(r) for r in rows.all()])


def _current_create(row: Any) -> dict[str, Any]:
    """The Create as sent, wrapping the object as it is now (after any edits)."""
    activity, obj = row
    return {**activity, "object": obj}


async def public_outbox(
    session: AsyncSession, actor_name: str, collection_id: str, page: int | None, page_size: int
) -> dict[str, Any]:
    """What the actor published and has not deleted: one Create per object, newest first.

    Accepts (to one follower), profile Updates, edits and Deletes stay out: Mastodon shows
    ``totalItems`` as the account's post count.
    """
    latest = (
        select(func.max(OutboxActivity.id))
        .where(OutboxActivity.actor_name == actor_name, OutboxActivity.activity_type == "Create")
        .group_by(OutboxActivity.object_ap_id)
    )
    query = (
        select(OutboxActivity.activity_json, PublishedObject.object_json)
        .join(PublishedObject, PublishedObject.ap_id == OutboxActivity.object_ap_id)
        .where(OutboxActivity.id.in_(latest), PublishedObject.deleted_at.is_(None))
    )
    return await paged_select(
        session, collection_id, query, OutboxActivity.id,
        page=page, page_size=page_size, item=_current_create,
    )  # fmt: skip


async def featured(session: AsyncSession, actor_name: str, collection_id: str) -> dict[str, Any]:
    """The actor's pinned objects (``pinned: true`` in the front matter), newest first, in
    full: Mastodon shows them at the top of the profile."""
    rows = await session.scalars(
        select(PublishedObject.object_json)
        .where(
            PublishedObject.actor_name == actor_name,
            PublishedObject.pinned.is_(True),
            PublishedObject.deleted_at.is_(None),
        )
        .order_by(PublishedObject.published_at.desc(), PublishedObject.id.desc())
    )
    items = list(rows.all())
    return {
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }
