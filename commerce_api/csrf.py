"""How a browser proves a state-changing request came from one of our own pages.

A token the browser echoes (header ``X-CSRF-Token``, or a hidden form field) must match what
the server expects for the cookie that authenticates the request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection

from commerce_api.errors import Forbidden
from commerce_api.settings import Settings

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "FORM_TYPES", "SAFE_METHODS", "check_origin", "sent_token"]

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
"""The hidden form field of an HTML form."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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
