"""The cart cookie, in one place: the JSON API and the no-JavaScript HTML pages both set it."""

from __future__ import annotations

from litestar.datastructures import Cookie

from commerce_api.settings import Settings

__all__ = ["CART_COOKIE", "CART_COOKIE_MAX_AGE", "cart_cookie"]

CART_COOKIE = "ra_cart"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600


def cart_cookie(token: str, settings: Settings) -> Cookie:
    """HttpOnly; ``SameSite=None`` over HTTPS (the static site may live on another site),
    ``Lax`` over plain HTTP on loopback, where browsers refuse ``None`` without ``Secure``."""
    return Cookie(
        key=CART_COOKIE,
        value=token,
        max_age=CART_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="none" if settings.cookie_secure else "lax",
        path="/",
    )
