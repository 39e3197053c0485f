"""ActivityPub responses: JSON-LD with our context, or a redirect for browsers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect

from federation_server.activitypub.jsonld import AP_CONTENT_TYPE, wants_activity_json, with_context


def activity_json(document: dict[str, Any], status_code: int = 200) -> Response[Any]:
    return Response(
        with_context(document),
        status_code=status_code,
        media_type=AP_CONTENT_TYPE,
        headers={"Vary": "Accept"},
    )


def negotiate(
    request: Request[Any, Any, Any], document: dict[str, Any], html_url: str | None
) -> Response[Any]:
    """JSON-LD for ActivityPub clients; a 303 to the static page for a browser."""
    if html_url and not wants_activity_json(request.headers.get("accept")):
        return Redirect(html_url, status_code=303, headers={"Vary": "Accept"})
    return activity_json(document)
