"""``/cart``: thin handlers over the cart service; the token travels in the ``X-Cart-Token``
header or the ``ra_cart`` cookie, and every answer sets both so either client style works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import CookieParameter, FromPath, HeaderParameter, JSONBody

from commerce_api.deps import CartTokenDep, DbDep, SettingsDep, cart_form_post
from commerce_api.domain.cart._service import (
    CartView,
    add_item,
    cart_answer,
    remove_item,
    set_quantity,
)
from commerce_api.domain.cart.cookie import (
    CART_COOKIE,
    CART_COOKIE_MAX_AGE,
    cart_cookie_header,
)
from commerce_api.domain.catalog import Encoded, etag_matches
from commerce_api.errors import (
    BadRequest,
    CurrencyMismatch,
    NotFound,
    OutOfStock,
    PayloadTooLarge,
    UnknownItem,
    responses,
)
from commerce_api.settings import Settings

__all__ = ["CART_COOKIE", "CART_COOKIE_MAX_AGE", "CartController", "cart_token", "need_cart_token"]

CACHE_CONTROL = "private, no-cache"
"""A browser may keep the answer but asks again each time (a 304 when it is unchanged)."""


@dataclass
class AddToCart:
    """Only the id and quantity are read; any price or total a client sends is ignored."""

    item_id: str
    quantity: int = 1


@dataclass
class ChangeQuantity:
    quantity: int


HeaderToken = Annotated[
    str | None,
    HeaderParameter(name="X-Cart-Token", description="Cart token (or the ra_cart cookie)"),
]
CookieToken = Annotated[str | None, CookieParameter(name=CART_COOKIE)]


def cart_token(header_token: HeaderToken = None, cookie_token: CookieToken = None) -> str | None:
    """The cart token from the header, else the cookie."""
    return header_token or cookie_token or None


def _token_headers(token: str | None, settings: Settings) -> dict[str, str]:
    """Every cart answer hands the token back both ways (header and cookie)."""
    if token is None:
        return {}
    return {"X-Cart-Token": token, "Set-Cookie": cart_cookie_header(token, settings)}


def _respond(view: CartView, settings: Settings, status_code: int = 200) -> Response[CartView]:
    return Response(view, status_code=status_code, headers=_token_headers(view.token, settings))


def _answer(
    answer: Encoded, token: str | None, settings: Settings, if_none_match: str | None
) -> Response[bytes]:
    headers = {"ETag": answer.etag, "Cache-Control": CACHE_CONTROL}
    headers.update(_token_headers(token, settings))
    if etag_matches(if_none_match, answer.etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


class CartController(Controller):
    path = "/cart"
    tags = ["cart"]
    dependencies = {"token": Provide(cart_token, sync_to_thread=False)}

    @get(
        "/",
        summary="View the cart with server-computed totals",
        responses=responses(BadRequest, NotFound),
        response_description="The cart (ETag; 304 when If-None-Match matches)",
    )
    async def get_cart(
        self,
        state: State,
        header_token: HeaderToken = None,
        cookie_token: CookieToken = None,
        if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match")] = None,
    ) -> Response[CartView]:
        # The busiest request takes no dependency (``state`` and the token's own parameters):
        # Litestar resolves two or more in an anyio task group, and resolving even one showed
        # as 5-20 % of its samples.
        token = cart_token(header_token, cookie_token)
        answer = await cart_answer(state.db, token)
        return _answer(answer, token, state.settings, if_none_match)  # type: ignore[return-value]

    @post(
        "/items",
        summary="Add a product or ticket (creates the cart when no token is sent)",
        description=(
            "JSON. An HTML form post (application/x-www-form-urlencoded: item_id, quantity) "
            "from the static pages is answered with a 303 to the HTML cart page /cart/view."
        ),
        before_request=cart_form_post,
        responses=responses(
            BadRequest, NotFound, UnknownItem, CurrencyMismatch, OutOfStock, PayloadTooLarge
        ),
    )
    async def add_to_cart(
        self,
        state: State,
        data: JSONBody[AddToCart],
        header_token: HeaderToken = None,
        cookie_token: CookieToken = None,
    ) -> Response[CartView]:
        # No dependency, as get_cart: Litestar resolved db, settings and the token in an anyio
        # task group (about 10 % of this request's samples).
        token = cart_token(header_token, cookie_token)
        view = await add_item(state.db, token, data.item_id, data.quantity)
        return _respond(view, state.settings, status_code=201 if token is None else 200)

    @put(
        "/items/{item_id:str}",
        summary="Change the quantity of a line",
        responses=responses(BadRequest, NotFound, UnknownItem, OutOfStock, PayloadTooLarge),
    )
    async def change_quantity(
        self,
        db: DbDep,
        settings: SettingsDep,
        token: CartTokenDep,
        item_id: FromPath[str],
        data: JSONBody[ChangeQuantity],
    ) -> Response[CartView]:
        return _respond(
            await set_quantity(db, need_cart_token(token), item_id, data.quantity), settings
        )

    @delete(
        "/items/{item_id:str}",
        status_code=200,
        summary="Remove a line",
        responses=responses(BadRequest, NotFound),
    )
    async def remove_from_cart(
        self, db: DbDep, settings: SettingsDep, token: CartTokenDep, item_id: FromPath[str]
    ) -> Response[CartView]:
        return _respond(await remove_item(db, need_cart_token(token), item_id), settings)


def need_cart_token(token: str | None) -> str:
    """The token, or a 400 naming ``X-Cart-Token`` when the request sent none."""
    if token is None:
        raise BadRequest("send the cart token (X-Cart-Token or the cookie)", field="X-Cart-Token")
    return token
