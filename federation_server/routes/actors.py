"""Actor documents and their collections (outbox, followers, following)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from federation_server.activitypub.responses import activity_json, negotiate
from federation_server.context import Context
from federation_server.db.models import Follower, Following
from federation_server.errors import BadRequest, NotFound, responses
from federation_server.services.actors import get_actor, render_actor
from federation_server.services.collections import featured, paged, public_outbox

Page = Annotated[int | None, QueryParameter(ge=1, le=100_000)]


@get("/actors/{name:str}", responses=responses(NotFound))
async def actor_document(
    request: Request[Any, Any, Any], ctx: NamedDependency[Context], name: FromPath[str]
) -> Response[Any]:
    async with ctx.database.reading() as session:
        actor = await get_actor(session, ctx.settings, name)
    document = render_actor(ctx, actor)
    return negotiate(request, document, document["url"])


async def _collection(
    ctx: Context,
    name: str,
    collection_id: str,
    page: int | None,
    item: Any,
    newest_first: Any,
    *where: Any,
) -> Response[Any]:
    async with ctx.database.reading() as session:
        await get_actor(session, ctx.settings, name)
        document = await paged(
            session, collection_id, item=item, newest_first=newest_first, where=where,
            page=page, page_size=ctx.settings.page_size,
        )  # fmt: skip
    return activity_json(document)


@get("/actors/{name:str}/outbox", responses=responses(BadRequest, NotFound))
async def outbox(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    async with ctx.database.reading() as session:
        await get_actor(session, ctx.settings, name)
        document = await public_outbox(
            session, name, ctx.urls.outbox(name), page, ctx.settings.page_size
        )
    return activity_json(document)


@get("/actors/{name:str}/followers", responses=responses(BadRequest, NotFound))
async def followers(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    return await _collection(
        ctx, name, ctx.urls.followers(name), page,
        Follower.follower_uri, Follower.id, Follower.actor_name == name,
    )  # fmt: skip


@get("/actors/{name:str}/following", responses=responses(BadRequest, NotFound))
async def following(
    ctx: NamedDependency[Context], name: FromPath[str], page: Page = None
) -> Response[Any]:
    return await _collection(
        ctx, name, ctx.urls.following(name), page,
        Following.target_uri, Following.id,
        Following.actor_name == name, Following.accepted.is_(True),
    )  # fmt: skip


@get("/actors/{name:str}/featured", responses=responses(NotFound))
async def featured_collection(ctx: NamedDependency[Context], name: FromPath[str]) -> Response[Any]:
    async with ctx.database.reading() as session:
        await get_actor(session, ctx.settings, name)
        document = await featured(session, name, ctx.urls.featured(name))
    return activity_json(document)


HANDLERS = [actor_document, outbox, followers, following, featured_collection]
