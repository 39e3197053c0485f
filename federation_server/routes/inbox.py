"""Inbox endpoints (per actor and shared): thin wrappers over ``services.inbox.receive``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from federation_server.context import Context
from federation_server.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    responses,
)
from federation_server.services.inbox import receive


async def _read_body(request: Request[Any, Any, Any], limit: int) -> bytes:
    """The body, refusing (413) as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    return bytes(body)


async def _handle(
    request: Request[Any, Any, Any], ctx: Context, owner: str | None
) -> Response[Any]:
    body = await _read_body(request, ctx.settings.max_inbox_bytes)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    await receive(
        ctx,
        inbox_owner=owner,
        method=request.method,
        target=target,
        headers=dict(request.headers.items()),
        body=body,
    )
    return Response(b"", status_code=202)


@post(
    "/actors/{name:str}/inbox",
    status_code=202,
    request_max_body_size=None,
    responses=responses(BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge),
)
async def actor_inbox(
    request: Request[Any, Any, Any], ctx: NamedDependency[Context], name: FromPath[str]
) -> Response[Any]:
    return await _handle(request, ctx, name)


@post(
    "/inbox",
    status_code=202,
    request_max_body_size=None,
    responses=responses(BadRequest, Unauthorized, Forbidden, PayloadTooLarge),
)
async def shared_inbox(
    request: Request[Any, Any, Any], ctx: NamedDependency[Context]
) -> Response[Any]:
    return await _handle(request, ctx, None)


HANDLERS = [actor_inbox, shared_inbox]
