"""Find orders by what a shopper, SumUp or an administrator holds."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from commerce_api.db.models import Order
from commerce_api.errors import BadRequest, NotFound
from commerce_api.tokens import looks_like_token

__all__ = ["order_by_checkout", "order_by_id", "order_by_token", "order_for_admin"]


def _with_lines() -> LoaderOption:
    return selectinload(Order.lines)


async def order_by_id(session: AsyncSession, order_id: int) -> Order:
    order = await session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(_with_lines())
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    return order


async def order_by_token(session: AsyncSession, token: str, *, field: str = "token") -> Order:
    if not looks_like_token(token):
        raise BadRequest("the order token is malformed", field=field)
    order = await session.scalar(select(Order).where(Order.token == token).options(_with_lines()))
    if order is None:
        raise NotFound("no order has this token", field=field)
    return order


async def order_by_checkout(
    session: AsyncSession, checkout_id: str, reference: str | None
) -> Order | None:
    """The order a SumUp checkout belongs to: by checkout id, else by our reference (covers a
    crash between creating the checkout and saving its id)."""
    clauses = [Order.sumup_checkout_id == checkout_id]
    if reference:
        clauses.append(Order.reference == reference)
    return await session.scalar(select(Order).where(or_(*clauses)).options(_with_lines()))


async def order_for_admin(session: AsyncSession, ident: str) -> Order:
    """By reference (``RA-...``), token or number, for the command line."""
    clauses = [Order.reference == ident.upper(), Order.token == ident]
    if ident.isdigit():
        clauses.append(Order.id == int(ident))
    order = await session.scalar(select(Order).where(or_(*clauses)).options(_with_lines()))
    if order is None:
        raise NotFound(f"no order {ident!r}", field="order")
    return order
