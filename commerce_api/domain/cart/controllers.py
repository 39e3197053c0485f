"""``/cart``: thin handlers over the cart service; the token travels in the ``X-Cart-Token``
header or the ``ra_cart`` cookie, and every answer sets both so either client style works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, delete, get, post, put
from litestar.di import Provide
from litestar.params import CookieParameter, FromPath, HeaderParameter, JSONBody

from commerce_api.deps import CartTokenDep, DbDep, SettingsDep, cart_form_post
from commerce_api.domain.cart._service import (
    CartView,
    add_item,
    remove_item,
    set_quantity,
    view_cart,
)
from commerce_api.domain.cart.cookie import CART_COOKIE, CART_COOKIE_MAX_AGE, cart_cookie
from commerce_api.errors import (
    BadRequest,
    CurrencyMismatch,
    NotFound,
    OutOfStock,
    PayloadTooLarge,
    UnknownItem,
    responses,
)

__all__ = ["CART_COOKIE", "CART_COOKIE_MAX_AGE", "CartController", "cart_token", "need_cart_token"]


@dataclass
class AddToCart:
    """Only the id and quantity are read; any price or total a client sends is ignored."""

    item_id: str
    quantity: int = 1


@dataclass
class ChangeQuantity:
    quantity: int


def cart_token(
    header_token: Annotated[
        str | None,
        HeaderParameter(name="X-Cart-Token", description="Cart token (or the ra_cart cookie)"),
    ] = None,
    cookie_token: Annotated[str | None, CookieParameter(name=CART_COOKIE)] = None,
) -> str | None:
    """The cart token from the header, else the cookie."""
    return header_token or cookie_token or None


def _respond(view: CartView, settings: SettingsDep, status_code: int = 200) -> Response[CartView]:
    if view.token is None:
        return Response(view, status_code=status_code)
    return Response(
        view,
        status_code=status_code,
        headers={"X-Cart-Token": view.token},
        cookies=[cart_cookie(view.token, settings)],
    )


class CartController(Controller):
    path = "/cart"
    tags = ["cart"]
    dependencies = {"token": Provide(cart_token, sync_to_thread=False)}

    @get(
        "/",
        summary="View the cart with server-computed totals",
        responses=responses(BadRequest, NotFound),
    )
    async def get_cart(
        self, db: DbDep, settings: SettingsDep, token: CartTokenDep
    ) -> Response[CartView]:
        return _respond(await view_cart(db, token), settings)

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
        self, db: DbDep, settings: SettingsDep, token: CartTokenDep, data: JSONBody[AddToCart]
    ) -> Response[CartView]:
        view = await add_item(db, token, data.item_id, data.quantity)
        return _respond(view, settings, status_code=201 if token is None else 200)

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
