"""The cart cookie, in one place: the JSON API and the no-JavaScript HTML pages both set it."""

from __future__ import annotations

import functools

from litestar.datastructures import Cookie

from commerce_api.settings import Settings

__all__ = ["CART_COOKIE", "CART_COOKIE_MAX_AGE", "cart_cookie", "cart_cookie_header"]

CART_COOKIE = "ra_cart"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600


def cart_cookie(token: str, settings: Settings) -> Cookie:
    """HttpOnly; ``SameSite=None`` over HTTPS (the static site may live on another site),
    ``Lax`` over plain HTTP on loopback, where browsers refuse ``None`` without ``Secure``."""
    return _cookie(token, settings.cookie_secure)


def cart_cookie_header(token: str, settings: Settings) -> str:
    """:func:`cart_cookie` as its ``Set-Cookie`` value, rendered once per token: every
    ``GET /cart`` answer sets it, and Litestar renders a ``Cookie`` through ``http.cookies``
    on every response (12 % of that request's samples)."""
    return _rendered(token, settings.cookie_secure)


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


@functools.lru_cache(maxsize=4096)
def _rendered(token: str, secure: bool) -> str:
    return _cookie(token, secure).to_encoded_header()[1].decode("latin-1")
