"""Turn a cart into an order, then open a SumUp hosted checkout for it.

Two steps, deliberately separate. ``place_order`` is one database transaction: snapshot the
prices, reserve the stock (conditional updates, no overselling), write the order, empty the
cart. Only after it has committed does ``start_payment`` call SumUp, so a SumUp failure or a
crash leaves a pending order that a retry (same ``Idempotency-Key``) picks up; SumUp refuses a
second checkout with the same reference, so nobody is charged twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Cart, Item, Order, OrderLine
from commerce_api.domain.cart import load_cart
from commerce_api.domain.orders import (
    CLOSED_UNPAID,
    PAID,
    PENDING,
    issue_tickets,
    order_by_token,
    reserve,
    settle,
)
from commerce_api.errors import (
    BadRequest,
    Conflict,
    CurrencyMismatch,
    EmptyCart,
    InvalidInput,
    PaymentUnavailable,
    UnknownItem,
)
from commerce_api.payments import Payments, translate_sumup_errors
from commerce_api.settings import Settings
from commerce_api.tokens import new_order_reference, new_token
from commerce_api.words import currency_names

__all__ = [
    "check_email",
    "check_idempotency_key",
    "place_order",
    "retry_cart",
    "start_payment",
]

IDEMPOTENCY_FIELD = "Idempotency-Key"
MAX_TOTAL_MINOR = 2**31 - 1
"""Totals are stored as 32-bit integers (over 21 million pounds: never a real basket)."""


def check_idempotency_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise BadRequest(
            "send an Idempotency-Key header (any unique string per checkout attempt)",
            field=IDEMPOTENCY_FIELD,
        )
    key = key.strip()
    if len(key) > 200 or not key.isprintable():
        raise BadRequest(
            "Idempotency-Key must be 1-200 printable characters", field=IDEMPOTENCY_FIELD
        )
    return key


def check_email(email: str | None) -> str | None:
    if email is None or email == "":
        return None
    local, _, domain = email.partition("@")
    if (
        not local
        or "." not in domain
        or len(email) > 320
        or not email.isprintable()
        or any(c.isspace() for c in email)
    ):
        raise InvalidInput("email is not a valid address", field="email")
    return email


async def retry_cart(db: Database, order_token: str) -> tuple[str, Order]:
    """The cart token an unpaid order came from (its lines are back in that cart) and the
    order, for "Try again"; 409 while the order is pending or once it is paid."""
    async with db.reading() as session:
        order = await order_by_token(session, order_token, field="order_token")
        if order.state not in CLOSED_UNPAID:
            raise Conflict(
                "this order is not waiting to be tried again; open it to see where it stands",
                field="order_token",
            )
        cart_token = await session.scalar(select(Cart.token).where(Cart.id == order.cart_id))
    if cart_token is None:
        raise Conflict("the cart of this order is gone; add the items again", field="cart")
    return cart_token, order


async def _existing(db: Database, cart_id: int, key: str) -> Order | None:
    async with db.reading() as session:
        return await session.scalar(
            select(Order)
            .where(Order.cart_id == cart_id, Order.idempotency_key == key)
            .options(selectinload(Order.lines))
        )


async def place_order(
    db: Database,
    settings: Settings,
    cart_token: str,
    idempotency_key: str,
    *,
    email: str | None = None,
    member_id: str | None = None,
    can_charge: bool = True,
) -> tuple[Order, bool]:
    """Returns ``(order, created)``; a repeated key for the same cart returns its order."""
    cart_id: int | None = None
    try:
        async with db.transaction() as session:
            cart = await load_cart(session, cart_token, for_update=True)
            cart_id = cart.id
            existing = await session.scalar(
                select(Order)
                .where(Order.cart_id == cart.id, Order.idempotency_key == idempotency_key)
                .options(selectinload(Order.lines))
            )
            if existing is not None:
                return existing, False
            if not cart.lines:
                raise EmptyCart("the cart is empty; add something first", field="cart")
            ids = [line.item_id for line in cart.lines]
            items = {i.id: i for i in await session.scalars(select(Item).where(Item.id.in_(ids)))}
            for line in cart.lines:
                if not items[line.item_id].active:
                    raise UnknownItem(
                        f"{items[line.item_id].title} is no longer on sale: remove it from "
                        "your cart",
                        field="item_id",
                        item_id=line.item_id,
                    )
            currencies = {items[i].currency for i in ids}
            if len(currencies) > 1:
                raise CurrencyMismatch(
                    f"your cart mixes {currency_names(currencies)}: check them out separately",
                    field="item_id",
                )
            total = sum(items[line.item_id].price_minor * line.quantity for line in cart.lines)
            if total > MAX_TOTAL_MINOR:
                raise InvalidInput(
                    "the order total is too large for one payment; buy fewer", field="quantity"
                )
            if total > 0 and not can_charge:
                raise PaymentUnavailable("card payments are not configured on this server")
            await reserve(session, [(line.item_id, line.quantity) for line in cart.lines])
            now = utcnow()
            free = total == 0
            token = new_token()
            order = Order(
                token=token,
                reference=new_order_reference(),
                state=PAID if free else PENDING,
                currency=currencies.pop(),
                total_minor=total,
                cart_id=cart.id,
                idempotency_key=idempotency_key,
                member_id=member_id,
                email=email,
                page_url=settings.order_page_url(token),
                expires_at=None if free else now + timedelta(minutes=settings.reservation_minutes),
                paid_at=now if free else None,
                lines=[
                    OrderLine(
                        item_id=line.item_id,
                        kind=items[line.item_id].kind,
                        title=items[line.item_id].title,
                        unit_price_minor=items[line.item_id].price_minor,
                        quantity=line.quantity,
                        line_total_minor=items[line.item_id].price_minor * line.quantity,
                    )
                    for line in cart.lines
                ],
            )
            session.add(order)
            cart.lines.clear()
            await session.flush()
            if free:
                issue_tickets(session, order)
            return order, True
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its order.
        if cart_id is not None and (found := await _existing(db, cart_id, idempotency_key)):
            return found, False
        raise


async def start_payment(
    db: Database, payments: Payments, settings: Settings, order: Order
) -> Order:
    """Open (or recover) the SumUp hosted checkout of a pending order; idempotent."""
    if order.state != PENDING or order.hosted_checkout_url:
        return order
    with translate_sumup_errors():
        checkout = await payments.client.create_checkout(
            order.reference,
            order.total_minor,
            order.currency,
            f"Rose Ash order {order.reference}",
            settings.webhook_url,
            settings.return_url(order.token),
        )
    async with db.transaction() as session:
        await session.execute(
            update(Order)
            .where(
                Order.id == order.id,
                or_(Order.sumup_checkout_id.is_(None), Order.sumup_checkout_id == checkout.id),
            )
            .values(sumup_checkout_id=checkout.id, hosted_checkout_url=checkout.hosted_checkout_url)
        )
    # A recovered checkout may already be settled (paid before a crash, say).
    return await settle(db, payments, order.id, checkout)
