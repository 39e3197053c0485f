"""Cross-site request checks for the shop's HTML forms.

These forms are authenticated by the cart cookie (a bearer token), not by the member's
session, so the session's CSRF token does not cover them. Two checks do:

- every form post must come from our own pages: a browser saying ``Sec-Fetch-Site:
  same-origin`` is posting from this API's own page (whose ``no-referrer`` policy makes its
  ``Origin`` ``null``); otherwise an ``Origin`` header, which browsers send with form posts,
  must be the static site's (``ALLOWED_ORIGINS``) or this API's own;
- the forms on the cart page also echo ``cart_csrf``, the CSRF token of the cart cookie
  (:mod:`commerce_api.csrf`), which another site cannot read or compute.
  (The static product pages cannot carry a per-visitor token; adding to a cart is the only
  thing they do.)

And for every endpoint, :func:`same_site_cookies` (an app-wide guard): a state-changing request
sends JSON (which a cross-site page can only send after a CORS preflight we refuse) or a form;
a ``text/plain`` body, which browsers send cross-site without a preflight, is refused (415).
One that carries our cart or session cookie must also pass :func:`check_origin`.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler

from commerce_api.csrf import FORM_TYPES, SAFE_METHODS, check_origin, csrf_ok
from commerce_api.domain.cart.cookie import CART_COOKIE
from commerce_api.errors import Forbidden, UnsupportedMediaType
from commerce_api.settings import Settings

__all__ = [
    "CSRF_FIELD",
    "check_cart_csrf",
    "same_site_cookies",
]

CSRF_FIELD = "cart_csrf"


def check_cart_csrf(sent: str | None, cart_token: str, settings: Settings) -> None:
    """The cart page's forms echo the CSRF token of the cart cookie (403 otherwise)."""
    if not csrf_ok(settings, cart_token, sent):
        raise Forbidden(
            "this form is out of date or came from another site; open your cart again",
            field=CSRF_FIELD,
        )


def _json_or_form(media_type: str) -> bool:
    return media_type in ("application/json", *FORM_TYPES) or media_type.endswith("+json")


async def same_site_cookies(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """App-wide guard: a state-changing request with a body sends JSON or a form (415
    otherwise); one carrying our cart or session cookie also comes from one of our origins.
    Async although it awaits nothing: Litestar runs a sync guard in a worker thread, a thread
    hop on every request."""
    scope = connection.scope
    if scope["type"] != ScopeType.HTTP or scope["method"] in SAFE_METHODS:
        return
    headers = connection.headers
    media_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    has_body = headers.get("Content-Length", "0") not in ("", "0") or "Transfer-Encoding" in headers
    if (media_type or has_body) and not _json_or_form(media_type):
        raise UnsupportedMediaType("send the body as application/json", field="Content-Type")
    settings: Settings = connection.app.state.settings
    cookies = connection.cookies
    if CART_COOKIE in cookies or settings.session_cookie_name in cookies:
        check_origin(connection, settings)
