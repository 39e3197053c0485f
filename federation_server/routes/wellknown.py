"""Discovery: WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.1."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy import func, select

from federation_server.activitypub.jsonld import AP_CONTENT_TYPE
from federation_server.context import Context
from federation_server.db.models import LocalActor, PublishedObject
from federation_server.errors import BadRequest, NotFound, responses

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
NODEINFO_TYPE = f'application/json; profile="{NODEINFO_SCHEMA}#"'


def _resolve_resource(ctx: Context, resource: str) -> str:
    """The local actor name behind ``acct:name@host`` or an actor URL, else NotFound."""
    settings = ctx.settings
    name: str | None = None
    candidate = resource.strip()
    if candidate.startswith("acct:"):
        candidate = candidate[5:]
    if candidate.startswith(("http://", "https://")):
        name = ctx.urls.local_actor_name(candidate)
    elif "@" in candidate:
        user, _, host = candidate.lstrip("@").rpartition("@")
        if host.lower() == settings.host.lower():
            # acct: users match case-insensitively, as Mastodon looks accounts up
            name = next((n for n in settings.actor_names if n.lower() == user.lower()), None)
    else:
        raise BadRequest("resource must be acct:user@host or an actor URL")
    if not name or settings.actor(name) is None:
        raise NotFound(f"No account {resource!r} on this server.")
    return name


@get(
    "/.well-known/webfinger",
    media_type="application/jrd+json",
    responses=responses(BadRequest, NotFound),
)
async def webfinger(
    ctx: NamedDependency[Context], resource: FromQuery[str | None] = None
) -> Response[Any]:
    if not resource:
        raise BadRequest("the resource query parameter is required")
    name = _resolve_resource(ctx, resource)
    async with ctx.database.reading() as session:
        url = await session.scalar(select(LocalActor.url).where(LocalActor.name == name))
    actor_id = ctx.urls.actor(name)
    body = {
        "subject": f"acct:{name}@{ctx.settings.host}",
        "aliases": [actor_id, *([url] if url else [])],
        "links": [
            {"rel": "self", "type": AP_CONTENT_TYPE, "href": actor_id},
            *(
                [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": url}]
                if url
                else []
            ),
        ],
    }
    return Response(
        body,
        media_type="application/jrd+json",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@get("/.well-known/host-meta", media_type="application/xrd+xml")
async def host_meta(ctx: NamedDependency[Context]) -> Response[str]:
    template = f"{ctx.settings.public_url}/.well-known/webfinger?resource={{uri}}"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(
        xml, media_type="application/xrd+xml", headers={"Access-Control-Allow-Origin": "*"}
    )


@get("/.well-known/nodeinfo")
async def nodeinfo_links(ctx: NamedDependency[Context]) -> Response[Any]:
    body = {"links": [{"rel": NODEINFO_SCHEMA, "href": f"{ctx.settings.public_url}/nodeinfo/2.1"}]}
    return Response(
        body, media_type="application/json", headers={"Access-Control-Allow-Origin": "*"}
    )


@get("/nodeinfo/2.1")
async def nodeinfo(ctx: NamedDependency[Context]) -> Response[Any]:
    async with ctx.database.reading() as session:
        posts = await session.scalar(
            select(func.count())
            .select_from(PublishedObject)
            .where(PublishedObject.deleted_at.is_(None))
        )
    users = len(ctx.settings.actors)
    body = {
        "version": "2.1",
        "software": {
            "name": ctx.settings.software_name,
            "version": ctx.settings.software_version,
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {
            "users": {"total": users, "activeMonth": users, "activeHalfyear": users},
            "localPosts": int(posts or 0),
        },
        "metadata": {},
    }
    return Response(body, media_type=NODEINFO_TYPE, headers={"Access-Control-Allow-Origin": "*"})


HANDLERS = [webfinger, host_meta, nodeinfo_links, nodeinfo]
