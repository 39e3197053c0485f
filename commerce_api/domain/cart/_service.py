"""Cart rules: ids and quantities only; every price and total comes from the catalogue.

A cart holds one currency. Quantities are whole numbers from 1 to ``MAX_QUANTITY`` and never
more than is left to reserve (checked again, atomically, at checkout).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Insert,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Cart, CartLine, Item
from commerce_api.domain.cart._cache import cart_cache_of, cart_changed_in, carts_changed
from commerce_api.domain.catalog import Encoded, catalog_of, plausible_item_id
from commerce_api.errors import (
    BadRequest,
    CurrencyMismatch,
    InvalidInput,
    NotFound,
    OutOfStock,
    UnknownItem,
)
from commerce_api.tokens import looks_like_token, new_token
from commerce_api.words import currency_name
from manifest_contract import format_money
from server_kernel.db import table_of

NOT_ON_SALE = "this item is not on sale"
NOT_IN_CART = "that item is not in your cart"

__all__ = [
    "MAX_QUANTITY",
    "CartLineView",
    "CartView",
    "add_item",
    "cart_answer",
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
    unit_price_text: str
    """The price as every page prints it (``manifest_contract.format_money``): ``£6.50``."""
    line_total_text: str


@dataclass
class CartView:
    token: str | None
    currency: str | None
    lines: list[CartLineView]
    total_minor: int
    item_count: int
    total_text: str
    """``£13.00`` (empty for an empty cart): the cart island prints it as the pages do."""


EMPTY_CART = CartView(
    token=None, currency=None, lines=[], total_minor=0, item_count=0, total_text=""
)
EMPTY_ANSWER = Encoded.of(EMPTY_CART)


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
                unit_price_text=format_money(item.price_minor, item.currency),
                line_total_text=format_money(item.price_minor * line.quantity, item.currency),
            )
        )
    currency = items[cart.lines[0].item_id].currency if cart.lines else None
    return _cart_view(cart.token, currency, lines)


def _cart_view(token: str | None, currency: str | None, lines: list[CartLineView]) -> CartView:
    total = sum(line.line_total_minor for line in lines)
    return CartView(
        token=token,
        currency=currency,
        lines=lines,
        total_minor=total,
        item_count=sum(line.quantity for line in lines),
        total_text=format_money(total, currency) if currency else "",
    )


async def view_cart(db: Database, token: str | None) -> CartView:
    """The cart's lines in one autocommit SELECT; the items come from the catalogue snapshot
    (stock at most ``MAX_AGE_SECONDS`` old), withdrawn ones from the database."""
    if token is None:
        return EMPTY_CART
    snapshot = await catalog_of(db).snapshot()
    return (await _read_cart(db, check_token(token), snapshot.items))[1]


async def cart_answer(db: Database, token: str | None) -> Encoded:
    """``GET /cart``'s answer as ready JSON with its ETag: the one this process kept
    (``_cache``) while the cart and the catalogue snapshot are unchanged, else read as
    :func:`view_cart` reads it (and kept)."""
    if token is None:
        return EMPTY_ANSWER
    check_token(token)
    snapshot = await catalog_of(db).snapshot()
    catalog = snapshot.lists[None].etag
    cache = cart_cache_of(db)
    if (answer := cache.get(token, catalog)) is not None:
        return answer
    ticket = cache.ticket()
    cart_id, view, from_snapshot = await _read_cart(db, token, snapshot.items)
    answer = Encoded.of(view)
    if from_snapshot:
        cache.put(token, cart_id, catalog, ticket, answer)
    return answer


async def _read_cart(
    db: Database, token: str, on_sale: dict[str, Any]
) -> tuple[int, CartView, bool]:
    """The cart's id, its view, and whether every item came from the snapshot ``on_sale``
    (withdrawn ones are read from the database)."""
    rows = await db.read(_CART_LINES, {"token": token})
    if not rows:
        raise NotFound("no cart has this token", field=CART_TOKEN_FIELD)
    view, from_snapshot = await _lines_view(
        db, token, [row for row in rows if row.item_id is not None], on_sale
    )
    return rows[0].cart_id, view, from_snapshot


async def _lines_view(
    db: Database, token: str, lines: Sequence[Any], on_sale: dict[str, Any]
) -> tuple[CartView, bool]:
    """The view of the cart's ``lines`` (rows with ``item_id`` and ``quantity``), and whether
    every item came from the snapshot ``on_sale`` (withdrawn ones are read from the
    database)."""
    ids = {row.item_id for row in lines}
    items = {item_id: on_sale[item_id] for item_id in ids if item_id in on_sale}
    from_snapshot = len(items) == len(ids)
    if not from_snapshot:
        missing = sorted(ids - items.keys())
        found = await db.read(select(*_ITEM_COLUMNS).where(_ITEMS.c.id.in_(missing)))
        items.update({row.id: row for row in found})
    view = _view_of(token, [_Row(0, row.quantity, items[row.item_id]) for row in lines])
    return view, from_snapshot


def _check_fits(item: Any, quantity: int) -> None:
    if item.available is not None and quantity > item.available:
        raise OutOfStock(
            f"only {item.available} of {item.title} left",
            field="quantity",
            item_id=item.id,
            available=item.available,
        )


_ITEMS = table_of(Item)
_LINES = table_of(CartLine)
_CARTS = table_of(Cart)
_ITEM_COLUMNS = (
    _ITEMS.c.id,
    _ITEMS.c.kind,
    _ITEMS.c.title,
    _ITEMS.c.url,
    _ITEMS.c.price_minor,
    _ITEMS.c.currency,
    _ITEMS.c.active,
    _ITEMS.c.available,
)
# The cart's lines with their items, then the item being added (again, if already a line):
# one round trip instead of loading the cart, its lines and their items separately.
_LINES_AND_ITEM = union_all(
    select(_LINES.c.id.label("line_id"), _LINES.c.quantity, *_ITEM_COLUMNS)
    .join_from(_LINES, _ITEMS, _ITEMS.c.id == _LINES.c.item_id)
    .where(_LINES.c.cart_id == bindparam("cart_id")),
    select(literal(None).label("line_id"), literal(None).label("quantity"), *_ITEM_COLUMNS).where(
        _ITEMS.c.id == bindparam("item_id")
    ),
).order_by(literal_column("line_id").nulls_last())
# SQLite renders no FOR UPDATE: its BEGIN IMMEDIATE already serialises writers.
_LOCK_CART = select(_CARTS.c.id).where(_CARTS.c.token == bindparam("token")).with_for_update()
_SET_LINE = (
    update(_LINES).where(_LINES.c.id == bindparam("line_id")).values(quantity=bindparam("qty"))
)
_ADD_LINE = insert(_LINES).values(
    cart_id=bindparam("cart_id"), item_id=bindparam("item_id"), quantity=bindparam("qty")
)
_SET_CURRENCY = (
    update(_CARTS).where(_CARTS.c.id == bindparam("cart_id")).values(currency=bindparam("currency"))
)


# The cart (an outer join: a cart without lines is one row of NULLs) and its lines' items.
_CART_LINES = (
    select(_CARTS.c.id.label("cart_id"), _LINES.c.item_id, _LINES.c.quantity)
    .select_from(_CARTS.outerjoin(_LINES, _LINES.c.cart_id == _CARTS.c.id))
    .where(_CARTS.c.token == bindparam("token"))
    .order_by(_LINES.c.id)
)
_NEW_CART = (
    insert(_CARTS)
    .values(
        token=bindparam("token"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        currency=bindparam("currency"),
    )
    .returning(_CARTS.c.id)
)
# PostgreSQL makes the cart and its first line in one statement; SQLite has no INSERT
# inside WITH, so there it is two statements in one transaction.
_NEW_CART_WITH_LINE = insert(_LINES).from_select(
    ["cart_id", "item_id", "quantity"],
    select(
        _NEW_CART.cte("new_cart").c.id,
        bindparam("item_id", type_=_LINES.c.item_id.type),
        bindparam("qty", type_=_LINES.c.quantity.type),
    ),
)


def _upsert_line(insert_of: Callable[[Table], Any]) -> Insert:
    """Add ``qty`` of ``item_id`` to the cart ``token`` if every rule allows it, in one
    statement (the dialect's ``insert``: ON CONFLICT is not in SQLAlchemy's generic one).

    The new line is written only if the item is on sale, in the cart's ``currency`` and has
    ``qty`` left; an existing line (ON CONFLICT) is raised by ``qty`` only if the sum is at
    most ``MAX_QUANTITY`` and what is left. Every check reads the rows as they are when the
    row is written: the cart's row is locked FOR SHARE (after waiting for a writer holding it
    FOR UPDATE, PostgreSQL checks the cart's ``currency`` again on the row as committed), and
    ON CONFLICT checks the sum on the line as committed. Returns the line's ``cart_id``,
    ``line_id``, ``item_id`` and ``quantity``; no row when a rule refused it."""
    source = (
        select(_CARTS.c.id, _ITEMS.c.id, bindparam("qty", type_=_LINES.c.quantity.type))
        .where(
            _CARTS.c.token == bindparam("token"),
            _ITEMS.c.id == bindparam("item_id"),
            _ITEMS.c.active,
            _ITEMS.c.currency == _CARTS.c.currency,
            or_(_ITEMS.c.available.is_(None), _ITEMS.c.available >= bindparam("qty")),
        )
        .with_for_update(read=True, of=_CARTS)
    )
    upsert = insert_of(_LINES).from_select(["cart_id", "item_id", "quantity"], source)
    total = _LINES.c.quantity + upsert.excluded.quantity
    left = select(_ITEMS.c.available).where(_ITEMS.c.id == bindparam("item_id")).scalar_subquery()
    return upsert.on_conflict_do_update(
        index_elements=[_LINES.c.cart_id, _LINES.c.item_id],
        set_={"quantity": total},
        where=and_(total <= MAX_QUANTITY, total <= func.coalesce(left, MAX_QUANTITY)),
    ).returning(_LINES.c.cart_id, _LINES.c.id.label("line_id"), _LINES.c.item_id, _LINES.c.quantity)


# PostgreSQL adds the line and reads the cart's other lines in one statement (the other
# lines as they were when the statement began: see add_item); SQLite has no INSERT inside
# WITH, so there it is two statements in one transaction.
_ADDED = _upsert_line(postgresql.insert).cte("added")
_ADD_TO_CART = union_all(
    select(_ADDED.c.cart_id, _ADDED.c.line_id, _ADDED.c.item_id, _ADDED.c.quantity),
    select(_LINES.c.cart_id, _LINES.c.id, _LINES.c.item_id, _LINES.c.quantity).where(
        _LINES.c.cart_id == _ADDED.c.cart_id, _LINES.c.item_id != _ADDED.c.item_id
    ),
).order_by(literal_column("line_id"))
_ADD_LINE_SQLITE = _upsert_line(sqlite.insert)
_LINES_OF_CART = (
    select(_LINES.c.cart_id, _LINES.c.id.label("line_id"), _LINES.c.item_id, _LINES.c.quantity)
    .where(_LINES.c.cart_id == bindparam("cart_id"))
    .order_by(_LINES.c.id)
)


async def _added_line(db: Database, values: dict[str, Any]) -> Sequence[Any]:
    """Add the line (``_upsert_line``); the cart's lines after it, or none if refused."""
    if not db.is_sqlite:
        return await db.write(_ADD_TO_CART, values)
    async with db.transaction() as session:
        conn = await session.connection()
        added = (await conn.execute(_ADD_LINE_SQLITE, values)).all()
        if not added:
            return []
        return (await conn.execute(_LINES_OF_CART, {"cart_id": added[0].cart_id})).all()


async def _new_cart(db: Database, item_id: str, quantity: int) -> CartView:
    item = (await catalog_of(db).snapshot()).items.get(item_id)
    line = _checked_line([], item, item_id, quantity)
    token = new_token()
    values = {
        "token": token,
        "now": utcnow(),
        "currency": line.item.currency,
        "item_id": item_id,
        "qty": line.quantity,
    }
    if db.is_sqlite:
        async with db.transaction() as session:
            conn = await session.connection()
            cart_id = (await conn.execute(_NEW_CART, values)).scalar_one()
            await conn.execute(_ADD_LINE, {**values, "cart_id": cart_id})
    else:
        await db.write(_NEW_CART_WITH_LINE, values)
    return _view_of(token, [line])


@dataclass
class _Row:
    """A cart line (``line_id`` set) or the item being added, with what the checks need."""

    line_id: int | None
    quantity: int
    item: Any
    """The item's row (``Item``'s columns) or an ``Item``."""


def _rows(result: Any) -> list[_Row]:
    return [_Row(line_id=row.line_id, quantity=row.quantity or 0, item=row) for row in result]


async def _lines_and_item(
    session: AsyncSession, token: str, item_id: str
) -> tuple[int, list[_Row], Any]:
    """Lock the cart row, then (a new statement, so it sees what a previous holder of the lock
    committed) read its lines and the item being added."""
    conn = await session.connection()
    cart_id = (await conn.execute(_LOCK_CART, {"token": check_token(token)})).scalar_one_or_none()
    if cart_id is None:
        raise NotFound("no cart has this token", field=CART_TOKEN_FIELD)
    rows = _rows(await conn.execute(_LINES_AND_ITEM, {"cart_id": cart_id, "item_id": item_id}))
    lines = [row for row in rows if row.line_id is not None]
    added = next((row.item for row in rows if row.line_id is None), None)
    return cart_id, lines, added


def _view_of(token: str, lines: list[_Row]) -> CartView:
    views = [
        CartLineView(
            item_id=row.item.id,
            kind=row.item.kind,
            title=row.item.title,
            url=row.item.url,
            unit_price_minor=row.item.price_minor,
            quantity=row.quantity,
            line_total_minor=row.item.price_minor * row.quantity,
            available=row.item.active
            and (row.item.available is None or row.item.available >= row.quantity),
            unit_price_text=format_money(row.item.price_minor, row.item.currency),
            line_total_text=format_money(row.item.price_minor * row.quantity, row.item.currency),
        )
        for row in lines
    ]
    return _cart_view(token, lines[0].item.currency if lines else None, views)


def _checked_line(lines: list[_Row], item: Any, item_id: str, quantity: int) -> _Row:
    """The cart's line for ``item``, updated or added, once every rule allows it."""
    if item is None or not item.active:
        raise UnknownItem(NOT_ON_SALE, field="item_id")
    currencies = {row.item.currency for row in lines}
    if currencies and item.currency not in currencies:
        raise CurrencyMismatch(
            f"{item.title} is priced in {currency_name(item.currency)} and this cart is in "
            f"{currency_name(currencies.pop())}: check them out separately",
            field="item_id",
        )
    line = next((row for row in lines if row.item.id == item_id), None)
    new_quantity = quantity + (line.quantity if line else 0)
    _check_quantity(new_quantity)
    _check_fits(item, new_quantity)
    if line is None:
        line = _Row(line_id=None, quantity=new_quantity, item=item)
        lines.append(line)
    line.quantity = new_quantity
    return line


async def add_item(db: Database, token: str | None, item_id: str, quantity: int) -> CartView:
    """Add ``quantity`` of ``item_id`` (creating the cart when ``token`` is ``None``).

    A new cart is one statement (the item is checked against the catalogue snapshot; stock
    is checked again, atomically, at checkout); it takes the item's currency.

    An existing cart is one statement on PostgreSQL (``_upsert_line``, in autocommit): every
    rule is checked in SQL on the rows as committed when the line is written, so two adds to
    one cart at once end with the summed quantity, and an add racing a change of the cart's
    currency (below) sees the currency that change committed. The answer shows the line as
    written and the cart's other lines as they were when the statement began: a change to
    another line of the same cart committed in between (another tab) shows on the next read.
    SQLite runs the statement and the read of the lines in one write transaction.

    When the statement refuses (a rule, an unknown cart, or a cart whose ``currency`` is
    unset or no longer that of its lines, such as a cart emptied by a checkout), the add is
    decided by :func:`_add_checked`, which names the rule that failed."""
    _check_quantity(quantity)
    if not plausible_item_id(item_id):
        raise UnknownItem(NOT_ON_SALE, field="item_id")
    if token is None:
        return await _new_cart(db, item_id, quantity)
    values = {"token": check_token(token), "item_id": item_id, "qty": quantity}
    lines = await _added_line(db, values)
    if not lines:
        return await _add_checked(db, token, item_id, quantity)
    carts_changed([lines[0].cart_id])
    snapshot = await catalog_of(db).snapshot()
    return (await _lines_view(db, token, lines, snapshot.items))[0]


async def _add_checked(db: Database, token: str, item_id: str, quantity: int) -> CartView:
    """The add decided in Python, in five round trips (begin, lock the cart row, read its
    lines with the item, write the line and the cart's currency, commit); the answer is
    computed from the rows already read. The lock and the read stay two statements: a read in
    the locking statement would use the snapshot taken before waiting for the lock and miss
    what the previous holder wrote."""
    async with db.transaction() as session:
        cart_id, lines, item = await _lines_and_item(session, token, item_id)
        cart_changed_in(session, cart_id)
        line = _checked_line(lines, item, item_id, quantity)
        conn = await session.connection()
        if line.line_id is None:
            await conn.execute(
                _ADD_LINE, {"cart_id": cart_id, "item_id": item_id, "qty": line.quantity}
            )
        else:
            await conn.execute(_SET_LINE, {"line_id": line.line_id, "qty": line.quantity})
        await conn.execute(_SET_CURRENCY, {"cart_id": cart_id, "currency": item.currency})
        return _view_of(token, lines)


async def set_quantity(db: Database, token: str, item_id: str, quantity: int) -> CartView:
    """Set the quantity of a line already in the cart."""
    _check_quantity(quantity)
    async with db.transaction() as session:
        cart = await load_cart(session, token, for_update=True)
        cart_changed_in(session, cart.id)
        line = next((line for line in cart.lines if line.item_id == item_id), None)
        if line is None:
            raise NotFound(NOT_IN_CART, field="item_id")
        items = await _items(session, [line.item_id for line in cart.lines])
        item = items[item_id]
        if not item.active:
            raise UnknownItem(f"{item.title} is no longer on sale", field="item_id")
        _check_fits(item, quantity)
        line.quantity = quantity
        return _view(cart, items)


async def remove_item(db: Database, token: str, item_id: str) -> CartView:
    async with db.transaction() as session:
        cart = await load_cart(session, token, for_update=True)
        cart_changed_in(session, cart.id)
        line = next((line for line in cart.lines if line.item_id == item_id), None)
        if line is None:
            raise NotFound(NOT_IN_CART, field="item_id")
        cart.lines.remove(line)
        return _view(cart, await _items(session, [line.item_id for line in cart.lines]))
