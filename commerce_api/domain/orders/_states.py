"""Order states and the one primitive that moves between them: compare-and-set.

``pending`` → ``paid`` → ``fulfilled``; ``pending`` → ``expired`` / ``cancelled`` / ``failed``;
``paid``/``fulfilled`` → ``refunded``. A late payment for an order we had already given up on
(``expired``/``cancelled``/``failed``) becomes ``paid`` if its stock can be reserved again,
else it is refunded.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db import utcnow
from commerce_api.db.models import Order
from server_kernel.db import rows_affected

__all__ = [
    "CANCELLED",
    "CLOSED_UNPAID",
    "EXPIRED",
    "FAILED",
    "FULFILLED",
    "PAID",
    "PAID_STATES",
    "PENDING",
    "REFUNDED",
    "transition",
]

PENDING: Final = "pending"
PAID: Final = "paid"
FULFILLED: Final = "fulfilled"
EXPIRED: Final = "expired"
CANCELLED: Final = "cancelled"
FAILED: Final = "failed"
REFUNDED: Final = "refunded"

CLOSED_UNPAID: Final = (EXPIRED, CANCELLED, FAILED)
PAID_STATES: Final = (PAID, FULFILLED)


async def transition(
    session: AsyncSession, order_id: int, from_states: tuple[str, ...], to: str, **values: Any
) -> bool:
    """Move the order to ``to`` only if it is in one of ``from_states``; True if it moved.

    The ``WHERE state IN (...)`` makes concurrent confirmations, webhook retries and the expiry
    sweep safe: exactly one of them wins, the others see ``False``.
    """
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.state.in_(from_states))
        .values(state=to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1
