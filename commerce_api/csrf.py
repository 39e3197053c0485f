"""The one CSRF defence: a token the browser echoes, bound to the secret its cookie carries.

A state-changing request authenticated by a cookie (the session, the cart, or the nonce of a
sign-in form shown before there is a session) must also send ``csrf_token(settings, secret)``
for that cookie's secret, in the ``X-CSRF-Token`` header or a hidden form field. The token is
the secret signed with ``SECRET_KEY`` (:mod:`commerce_api.signing`, compared in constant
time): another site can neither read the cookie nor compute the token, and a cookie planted
from elsewhere comes without a token that matches it (the weakness of a plain double-submit
cookie). :func:`check_origin` adds the browser's own word on where a form came from.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection

from commerce_api.errors import Forbidden
from commerce_api.settings import Settings
from commerce_api.signing import sign, verify_signature

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "FORM_TYPES",
    "SAFE_METHODS",
    "check_origin",
    "csrf_ok",
    "csrf_token",
    "sent_token",
]

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
"""The hidden form field of an HTML form."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_PURPOSE = "csrf"


def csrf_token(settings: Settings, secret: str) -> str:
    """The token a page echoes for the cookie secret ``secret`` (a session id, a cart token,
    a form nonce)."""
    return sign(settings.secret_key, _PURPOSE, secret)


def csrf_ok(settings: Settings, secret: str | None, sent: str | None) -> bool:
    """True when ``sent`` is the token for ``secret`` (False when either is missing)."""
    return bool(secret and sent) and verify_signature(
        settings.secret_key, _PURPOSE, secret or "", sent or ""
    )


async def sent_token(request: Request[Any, Any, Any], field: str = CSRF_FIELD) -> str | None:
    """The token the request echoes: the header, else the form field of a form post."""
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    if request.content_type[0] in FORM_TYPES:
        value = (await request.form()).get(field)
        return value if isinstance(value, str) else None
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_origin(request: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> None:
    """Refuse a form posted from another site (no ``Origin``: not a browser form, allowed)."""
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return
    sent = request.headers.get("Origin")
    if sent is None:
        return
    allowed = {_origin(settings.public_url), *(_origin(o) for o in settings.cors_origins)}
    if sent.lower() not in allowed:
        raise Forbidden("this form was sent from another site", field="Origin")
