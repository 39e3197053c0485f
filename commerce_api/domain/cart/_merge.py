"""Sign-in merges the browser's anonymous cart into the member's cart.

Carts stay anonymous bearer tokens (the commerce core's model); :class:`MemberCart` links one
to its member so it follows them to another device. Rules: the browser's lines are added to
the member's cart (same item: quantities add up, capped at the cart maximum); if the two carts
hold different currencies the browser's cart, the shopper's latest intent, becomes the
member's cart. The answer is the token of the member's cart, which the browser keeps using.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from commerce_api.db.models import Cart, CartLine, Item, MemberCart
from commerce_api.domain.cart._cache import cart_changed_in
from commerce_api.domain.cart._service import MAX_QUANTITY
from commerce_api.tokens import looks_like_token

__all__ = ["merge_carts"]


async def _cart(session: AsyncSession, **where: object) -> Cart | None:
    query = select(Cart).options(selectinload(Cart.lines))
    for name, value in where.items():
        query = query.where(getattr(Cart, name) == value)
    return (await session.execute(query)).scalar_one_or_none()


async def _currency(session: AsyncSession, cart: Cart) -> str | None:
    if not cart.lines:
        return None
    item = await session.get(Item, cart.lines[0].item_id)
    return item.currency if item else None


async def merge_carts(session: AsyncSession, user_id: int, browser_token: str | None) -> str | None:
    """Merge and return the member's cart token (None when the member has no cart at all)."""
    link = await session.get(MemberCart, user_id)
    member = await _cart(session, id=link.cart_id) if link else None
    browser = None
    if browser_token and looks_like_token(browser_token):
        browser = await _cart(session, token=browser_token)
    if browser is None or (member is not None and browser.id == member.id):
        return member.token if member else None
    if member is None or not member.lines:
        if link is None:
            session.add(MemberCart(user_id=user_id, cart_id=browser.id))
        else:
            link.cart_id = browser.id
        return browser.token
    mine, theirs = await _currency(session, member), await _currency(session, browser)
    if theirs is not None and mine is not None and theirs != mine:
        link.cart_id = browser.id  # type: ignore[union-attr]
        return browser.token
    cart_changed_in(session, member.id, browser.id)
    existing = {line.item_id: line for line in member.lines}
    for line in list(browser.lines):
        if line.item_id in existing:
            target = existing[line.item_id]
            target.quantity = min(MAX_QUANTITY, target.quantity + line.quantity)
        else:
            member.lines.append(CartLine(item_id=line.item_id, quantity=line.quantity))
    await session.delete(browser)
    await session.flush()
    return member.token
