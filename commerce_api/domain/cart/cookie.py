"""The cart cookie, in one place: the JSON API and the no-JavaScript HTML pages both set it."""

from __future__ import annotations

import functools

from litestar.datastructures import Cookie

from commerce_api.settings import Settings
from commerce_api.tokens import looks_like_token

__all__ = ["CART_COOKIE", "CART_COOKIE_MAX_AGE", "cart_cookie", "cart_cookie_header"]

CART_COOKIE = "ra_cart"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600


def cart_cookie(token: str, settings: Settings) -> Cookie:
    """HttpOnly; ``SameSite=None`` over HTTPS (the static site may live on another site),
    ``Lax`` over plain HTTP on loopback, where browsers refuse ``None`` without ``Secure``."""
    return _cookie(token, settings.cookie_secure)


def cart_cookie_header(token: str, settings: Settings) -> str:
    """:func:`cart_cookie` as its ``Set-Cookie`` value. Litestar renders a ``Cookie`` through
    ``http.cookies`` (about 50 us; 12 % of ``GET /cart``'s samples), so the cookie is rendered
    once per ``secure`` around a placeholder and each token put in its place: a token is
    URL-safe base64 (``looks_like_token``), which a cookie value holds as it is."""
    if not looks_like_token(token):
        raise ValueError("not a cart token")
    prefix, suffix = _template(settings.cookie_secure)
    return prefix + token + suffix


def _cookie(token: str, secure: bool) -> Cookie:
    return Cookie(
        key=CART_COOKIE,
        value=token,
        max_age=CART_COOKIE_MAX_AGE,
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
        path="/",
    )


_PLACEHOLDER = "cart-token-placeholder"


@functools.cache
def _template(secure: bool) -> tuple[str, str]:
    rendered = _cookie(_PLACEHOLDER, secure).to_encoded_header()[1].decode("latin-1")
    prefix, suffix = rendered.split(_PLACEHOLDER)
    return prefix, suffix
