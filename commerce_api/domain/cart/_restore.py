"""Give an unpaid order's lines back to the cart it came from (declined, expired, cancelled),
so the shopper finds the same cart, under the same token, and can try again."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db.models import CartLine
from commerce_api.domain.cart._cache import cart_changed_in

__all__ = ["restore_lines"]

log = logging.getLogger(__name__)


async def restore_lines(
    session: AsyncSession, cart_id: int | None, lines: Iterable[tuple[str, int]]
) -> None:
    """Each line back in the cart at least at the order's quantity (a line the shopper has
    added again meanwhile keeps the larger number). Part of the caller's transaction; a cart
    changed concurrently is left as it is rather than failing the order's settlement."""
    if cart_id is None:  # the cart was deleted since
        return
    cart_changed_in(session, cart_id)
    try:
        async with session.begin_nested():
            held = {
                row.item_id: row
                for row in await session.scalars(
                    select(CartLine).where(CartLine.cart_id == cart_id)
                )
            }
            for item_id, quantity in lines:
                if item_id in held:
                    held[item_id].quantity = max(held[item_id].quantity, quantity)
                else:
                    session.add(CartLine(cart_id=cart_id, item_id=item_id, quantity=quantity))
    except IntegrityError:
        log.warning("cart %s changed while its order's lines were given back; left as is", cart_id)
