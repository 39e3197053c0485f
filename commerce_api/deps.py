"""Dependencies handlers declare by name: ``settings``, ``db``, ``payments``, ``member_id``.

They come from ``app.state``, filled by :func:`commerce_api.app.create_app`, so a handler
signature like ``async def f(db: Database, settings: Settings)`` is all it takes.

``member_id`` is the signed-in member's id (``None`` when anonymous). Accounts supply the way
to find it by passing ``member_lookup=`` to ``create_app``: an async callable taking the
``Request`` and returning the member id as a string, or ``None``.

:func:`cart_form_post` is the same kind of seam for the layer above the contexts: the HTML
pages (``commerce_api.web``) answer a static page's "Add to cart" form, which posts to the
cart's JSON endpoint; ``create_app`` installs their hook, so the cart never imports them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from commerce_api.db import Database
from commerce_api.payments import Payments
from commerce_api.settings import Settings

__all__ = [
    "CartTokenDep",
    "DbDep",
    "FormPost",
    "MemberIdDep",
    "MemberLookup",
    "PaymentsDep",
    "SettingsDep",
    "cart_form_post",
    "dependencies",
]

MemberLookup = Callable[[Request[Any, Any, Any]], Awaitable[str | None]]
FormPost = Callable[[Request[Any, Any, Any]], Awaitable[Response[Any] | None]]

# Handler parameter types that mark a parameter as one of these named dependencies.
DbDep = NamedDependency[Database]
SettingsDep = NamedDependency[Settings]
PaymentsDep = NamedDependency[Payments]
MemberIdDep = NamedDependency[str | None]
CartTokenDep = NamedDependency[str | None]


def _settings(state: State) -> Settings:
    return state.settings


def _db(state: State) -> Database:
    return state.db


def _payments(state: State) -> Payments:
    return state.payments


async def _member_id(request: Request[Any, Any, Any], state: State) -> str | None:
    lookup: MemberLookup | None = state.get("member_lookup")
    return None if lookup is None else await lookup(request)


async def cart_form_post(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """``before_request`` of ``POST /cart/items``: the hook ``create_app`` installed answers
    an HTML form post (``None``, and JSON, go on to the JSON handler)."""
    hook: FormPost | None = request.app.state.get("cart_form_post")
    return None if hook is None else await hook(request)


dependencies = {
    "settings": Provide(_settings, sync_to_thread=False),
    "db": Provide(_db, sync_to_thread=False),
    "payments": Provide(_payments, sync_to_thread=False),
    "member_id": Provide(_member_id),
}
