"""Actor documents and their collections (outbox, followers, following)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from sqlalchemy import func, select

from federation_server.activitypub.responses import activity_json, negotiate
from federation_server.context import Context
from federation_server.db.models import Follower, Following, OutboxActivity
from federation_server.services.actors import (
    follower_count,
    following_count,
    get_actor,
    render_actor,
)
from federation_server.services.collections import collection, collection_page

Page = Annotated[int | None, QueryParameter(ge=1, le=100_000)]


@get("/actors/{name:str}")
async def actor_document(
    request: Request[Any, Any, Any], ctx: NamedDependency[Context], name: FromPath[str]
) -> Response[Any]:
    async with ctx.database.session() as session:
        actor = await get_actor(session, ctx.settings, name)
    document = render_actor(ctx, actor)
    return negotiate(request, document, document["url"])


@get("/actors/{name:str}/outbox")
async def outbox(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    size = ctx.settings.page_size
    collection_id = ctx.urls.outbox(name)
    async with ctx.database.session() as session:
        await get_actor(session, ctx.settings, name)
        total = int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxActivity)
                .where(OutboxActivity.actor_name == name)
            )
            or 0
        )
        if page is None:
            return activity_json(collection(collection_id, total, size))
        rows = await session.scalars(
            select(OutboxActivity.activity_json)
            .where(OutboxActivity.actor_name == name)
            .order_by(OutboxActivity.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
        items = list(rows.all())
    return activity_json(collection_page(collection_id, page, total, size, items))


@get("/actors/{name:str}/followers")
async def followers(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    size = ctx.settings.page_size
    collection_id = ctx.urls.followers(name)
    async with ctx.database.session() as session:
        await get_actor(session, ctx.settings, name)
        total = await follower_count(session, name)
        if page is None:
            return activity_json(collection(collection_id, total, size))
        rows = await session.scalars(
            select(Follower.follower_uri)
            .where(Follower.actor_name == name)
            .order_by(Follower.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
        items = list(rows.all())
    return activity_json(collection_page(collection_id, page, total, size, items))


@get("/actors/{name:str}/following")
async def following(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    size = ctx.settings.page_size
    collection_id = ctx.urls.following(name)
    async with ctx.database.session() as session:
        await get_actor(session, ctx.settings, name)
        total = await following_count(session, name)
        if page is None:
            return activity_json(collection(collection_id, total, size))
        rows = await session.scalars(
            select(Following.target_uri)
            .where(Following.actor_name == name, Following.accepted.is_(True))
            .order_by(Following.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
        items = list(rows.all())
    return activity_json(collection_page(collection_id, page, total, size, items))


HANDLERS = [actor_document, outbox, followers, following]
