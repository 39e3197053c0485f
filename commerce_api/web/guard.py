"""Cross-site request checks for the shop's HTML forms.

These forms are authenticated by the cart cookie (a bearer token), not by the member's
session, so the session CSRF rule (``docs/accounts.md``) does not cover them. Two checks do:

- every form post must come from our own pages: a browser saying ``Sec-Fetch-Site:
  same-origin`` is posting from this API's own page (whose ``no-referrer`` policy makes its
  ``Origin`` ``null``); otherwise an ``Origin`` header, which browsers send with form posts,
  must be the static site's (``ALLOWED_ORIGINS``) or this API's own;
- the forms on the cart page also echo ``cart_csrf``, an HMAC of the cart token under
  ``SECRET_KEY``, which another site cannot read or compute. (The static product pages cannot
  carry a per-visitor token; adding to a cart is the only thing they do.)
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from litestar import Request

from commerce_api.errors import Forbidden
from commerce_api.settings import Settings

__all__ = ["CSRF_FIELD", "cart_csrf", "check_cart_csrf", "check_origin"]

CSRF_FIELD = "cart_csrf"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_origin(request: Request[Any, Any, Any], settings: Settings) -> None:
    """Refuse a form posted from another site (no ``Origin``: not a browser form, allowed)."""
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return
    sent = request.headers.get("Origin")
    if sent is None:
        return
    allowed = {_origin(settings.public_url), *(_origin(o) for o in settings.cors_origins)}
    if sent.lower() not in allowed:
        raise Forbidden("this form was sent from another site", field="Origin")


def cart_csrf(cart_token: str, settings: Settings) -> str:
    return hmac.new(
        settings.secret_key.encode(), b"cart-form:" + cart_token.encode(), hashlib.sha256
    ).hexdigest()


def check_cart_csrf(sent: str | None, cart_token: str, settings: Settings) -> None:
    if not sent or not hmac.compare_digest(sent, cart_csrf(cart_token, settings)):
        raise Forbidden(
            "this form is out of date or came from another site; open your cart again",
            field=CSRF_FIELD,
        )
