"""Published objects (410 Tombstone once deleted) and our activities, by id."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy import func, select

from federation_server.activitypub.responses import activity_json, negotiate
from federation_server.activitypub.shape import tombstone
from federation_server.context import Context
from federation_server.db.models import Interaction, OutboxActivity, PublishedObject
from federation_server.errors import Gone, NotFound, responses


async def _counts(session: Any, ap_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(Interaction.kind, func.count())
        .where(Interaction.object_ap_id == ap_id)
        .group_by(Interaction.kind)
    )
    return {kind: int(count) for kind, count in rows.all()}


@get("/objects/{stable_id:path}", responses=responses(NotFound, Gone))
async def object_document(
    request: Request[Any, Any, Any], ctx: NamedDependency[Context], stable_id: FromPath[str]
) -> Response[Any]:
    ap_id = ctx.urls.object(stable_id.lstrip("/"))
    async with ctx.database.reading() as session:
        row = await session.scalar(select(PublishedObject).where(PublishedObject.ap_id == ap_id))
        if row is None:
            raise NotFound("No such object.")
        if row.deleted_at is not None:
            deleted = row.deleted_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            raise Gone(tombstone(row.ap_id, row.object_type, deleted))
        counts = await _counts(session, ap_id)
    document = dict(row.object_json)
    document["likes"] = {"type": "Collection", "totalItems": counts.get("like", 0)}
    document["shares"] = {"type": "Collection", "totalItems": counts.get("announce", 0)}
    document["replies"] = {"type": "Collection", "totalItems": counts.get("reply", 0)}
    return negotiate(request, document, document.get("url"))


@get("/activities/{token:str}", responses=responses(NotFound))
async def activity_document(ctx: NamedDependency[Context], token: FromPath[str]) -> Response[Any]:
    ap_id = ctx.urls.activity(token)
    async with ctx.database.reading() as session:
        document = await session.scalar(
            select(OutboxActivity.activity_json).where(OutboxActivity.ap_id == ap_id)
        )
    if document is None:
        raise NotFound("No such activity.")
    return activity_json(document)


HANDLERS = [object_document, activity_document]
