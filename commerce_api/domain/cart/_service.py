"""Cart rules: ids and quantities only; every price and total comes from the catalogue.

A cart holds one currency. Quantities are whole numbers from 1 to ``MAX_QUANTITY`` and never
more than is left to reserve (checked again, atomically, at checkout).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from commerce_api.db import Database
from commerce_api.db.models import Cart, CartLine, Item
from commerce_api.domain.catalog import plausible_item_id
from commerce_api.errors import (
    BadRequest,
    CurrencyMismatch,
    InvalidInput,
    NotFound,
    OutOfStock,
    UnknownItem,
)
from commerce_api.tokens import looks_like_token, new_token

__all__ = [
    "MAX_QUANTITY",
    "CartLineView",
    "CartView",
    "add_item",
    "load_cart",
    "remove_item",
    "set_quantity",
    "view_cart",
]

MAX_QUANTITY = 100
CART_TOKEN_FIELD = "X-Cart-Token"


@dataclass
class CartLineView:
    item_id: str
    kind: str
    title: str
    url: str
    unit_price_minor: int
    quantity: int
    line_total_minor: int
    available: bool
    """False when the item was withdrawn or has too little stock left for this quantity."""


@dataclass
class CartView:
    token: str | None
    currency: str | None
    lines: list[CartLineView]
    total_minor: int
    item_count: int


EMPTY_CART = CartView(token=None, currency=None, lines=[], total_minor=0, item_count=0)


def check_token(token: str) -> str:
    if not looks_like_token(token):
        raise BadRequest("the cart token is malformed", field=CART_TOKEN_FIELD)
    return token


def _check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput("quantity must be a whole number of at least 1", field="quantity")
    if quantity > MAX_QUANTITY:
        raise InvalidInput(f"quantity must be at most {MAX_QUANTITY}", field="quantity")
    return quantity


async def load_cart(session: AsyncSession, token: str, *, for_update: bool = False) -> Cart:
    """The cart and its lines. ``for_update`` locks the cart row first (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers) so two changes to one cart, such as a
    double-clicked checkout, run one after the other instead of both acting on the same lines.
    """
    if for_update:
        await session.execute(
            select(Cart.id).where(Cart.token == check_token(token)).with_for_update()
        )
    result = await session.execute(
        select(Cart).where(Cart.token == check_token(token)).options(joinedload(Cart.lines))
    )
    cart = result.unique().scalar_one_or_none()
    if cart is None:
        raise NotFound("no cart has this token", field=CART_TOKEN_FIELD)
    return cart


async def _items(session: AsyncSession, ids: list[str]) -> dict[str, Item]:
    if not ids:
        return {}
    rows = await session.scalars(select(Item).where(Item.id.in_(ids)))
    return {item.id: item for item in rows}


def _view(cart: Cart, items: dict[str, Item]) -> CartView:
    lines = []
    for line in cart.lines:
        item = items[line.item_id]
        ok = item.active and (item.available is None or item.available >= line.quantity)
        lines.append(
            CartLineView(
                item_id=item.id,
                kind=item.kind,
                title=item.title,
                url=item.url,
                unit_price_minor=item.price_minor,
                quantity=line.quantity,
                line_total_minor=item.price_minor * line.quantity,
                available=ok,
            )
        )
    currency = items[cart.lines[0].item_id].currency if cart.lines else None
    return CartView(
        token=cart.token,
        currency=currency,
        lines=lines,
        total_minor=sum(line.line_total_minor for line in lines),
        item_count=sum(line.quantity for line in lines),
    )


async def view_cart(db: Database, token: str | None) -> CartView:
    if token is None:
        return EMPTY_CART
    async with db.reading() as session:
        cart = await load_cart(session, token)
        return _view(cart, await _items(session, [line.item_id for line in cart.lines]))


def _check_fits(item: Item, quantity: int) -> None:
    if item.available is not None and quantity > item.available:
        raise OutOfStock(
            f"only {item.available} of {item.title!r} left",
            field="quantity",
            item_id=item.id,
            available=item.available,
        )


async def add_item(db: Database, token: str | None, item_id: str, quantity: int) -> CartView:
    """Add ``quantity`` of ``item_id`` (creating the cart when ``token`` is ``None``)."""
    _check_quantity(quantity)
    if not plausible_item_id(item_id):
        raise UnknownItem(f"{item_id!r} is not on sale", field="item_id")
    async with db.transaction() as session:
        cart = (
            Cart(token=new_token(), lines=[])
            if token is None
            else await load_cart(session, token, for_update=True)
        )
        items = await _items(session, [line.item_id for line in cart.lines] + [item_id])
        item = items.get(item_id)
        if item is None or not item.active:
            raise UnknownItem(f"{item_id!r} is not on sale", field="item_id")
        currencies = {items[line.item_id].currency for line in cart.lines}
        if currencies and item.currency not in currencies:
            raise CurrencyMismatch(
                f"this cart is in {currencies.pop()}; {item_id} is priced in {item.currency}",
                field="item_id",
            )
        line = next((line for line in cart.lines if line.item_id == item_id), None)
        new_quantity = quantity + (line.quantity if line else 0)
        _check_quantity(new_quantity)
        _check_fits(item, new_quantity)
        if line is None:
            cart.lines.append(CartLine(item_id=item_id, quantity=quantity))
        else:
            line.quantity = new_quantity
        if token is None:
            session.add(cart)
        return _view(cart, items)


async def set_quantity(db: Database, token: str, item_id: str, quantity: int) -> CartView:
    """Set the quantity of a line already in the cart."""
    _check_quantity(quantity)
    async with db.transaction() as session:
        cart = await load_cart(session, token, for_update=True)
        line = next((line for line in cart.lines if line.item_id == item_id), None)
        if line is None:
            raise NotFound(f"{item_id!r} is not in this cart", field="item_id")
        items = await _items(session, [line.item_id for line in cart.lines])
        item = items[item_id]
        if not item.active:
            raise UnknownItem(f"{item_id!r} is no longer on sale", field="item_id")
        _check_fits(item, quantity)
        line.quantity = quantity
        return _view(cart, items)


async def remove_item(db: Database, token: str, item_id: str) -> CartView:
    async with db.transaction() as session:
        cart = await load_cart(session, token, for_update=True)
        line = next((line for line in cart.lines if line.item_id == item_id), None)
        if line is None:
            raise NotFound(f"{item_id!r} is not in this cart", field="item_id")
        cart.lines.remove(line)
        return _view(cart, await _items(session, [line.item_id for line in cart.lines]))
