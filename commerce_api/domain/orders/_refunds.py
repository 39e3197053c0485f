"""Refunds we owe, made durable: the decision is a ``refunds`` row written in the transaction
that takes it; the refund pass sends it to SumUp and retries with backoff until SumUp confirms.

Never twice: one row per order (unique), and every attempt is claimed first with a
compare-and-set on ``attempts`` (committed before the request goes out), so two passes (the
``serve`` sweep and the command line) never send the same refund at once. SumUp answers 409
when a transaction has nothing left to refund: after an earlier attempt whose answer we never
saw (timeout, 5xx, crash) that means it went through, which we check by asking SumUp for the
checkout; a 409 on the very first attempt is left for a person (``failed``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Order, Refund
from commerce_api.domain.orders._lookup import order_by_id
from commerce_api.domain.orders._mail import queue_notice
from commerce_api.domain.orders._states import CLOSED_UNPAID, PAID_STATES, REFUNDED, transition
from commerce_api.domain.orders._stock import release
from commerce_api.domain.orders._tickets import void_tickets
from commerce_api.errors import CommerceError
from commerce_api.payments import Payments
from commerce_api.sumup import SumUpError, SumUpRejected
from server_kernel.jobs import backoff

__all__ = [
    "ADMIN",
    "DONE",
    "FAILED_REFUND",
    "LATE_PAYMENT",
    "OWED",
    "WRONG_AMOUNT",
    "RefundPass",
    "attempt_refund",
    "finish_refunded_order",
    "list_refunds",
    "owe_refund",
    "refund_states",
    "retry_due_refunds",
]

log = logging.getLogger(__name__)

OWED = "owed"
DONE = "done"
FAILED_REFUND = "failed"
MAX_BACKOFF = timedelta(days=1)
DEFAULT_RETRY_SECONDS = 60
LATE_PAYMENT = "late_payment"
WRONG_AMOUNT = "wrong_amount"
ADMIN = "admin"
BATCH = 100


LEASE = timedelta(minutes=5)
"""How long a claimed attempt keeps other passes off (longer than any SumUp request lasts);
if the process dies mid-attempt, the refund is picked up again after it."""


async def owe_refund(
    session: AsyncSession,
    order: Order,
    transaction_id: str,
    reason: str,
    *,
    checkout_id: str | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
) -> Refund | None:
    """Record that ``order`` is to be refunded in full (once: a second call finds the first
    row). Runs inside the caller's transaction so the decision and its record commit together."""
    existing = await session.scalar(select(Refund).where(Refund.order_id == order.id))
    if existing is not None:
        return existing
    refund = Refund(
        order_id=order.id,
        reason=reason,
        checkout_id=checkout_id or order.sumup_checkout_id,
        transaction_id=transaction_id,
        amount_minor=order.total_minor if amount_minor is None else amount_minor,
        currency=currency or order.currency,
        state=OWED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(refund)
    except IntegrityError:  # a concurrent settlement recorded it first
        return await session.scalar(select(Refund).where(Refund.order_id == order.id))
    return refund


@dataclass(frozen=True)
class _Outcome:
    state: str  # OWED (retry), DONE or FAILED_REFUND
    note: str | None = None


async def _send(payments: Payments, refund: Refund, prior_attempts: int) -> _Outcome:
    """One refund request to SumUp, and what its answer means for us."""
    try:
        await payments.client.refund(refund.transaction_id, None, refund.currency)
        return _Outcome(DONE)
    except SumUpRejected as exc:
        if exc.status_code != 409:
            return _Outcome(FAILED_REFUND, f"SumUp refused the refund: {exc}")
        if prior_attempts == 0:
            return _Outcome(
                FAILED_REFUND, f"SumUp says nothing is left to refund on the first attempt: {exc}"
            )
        return await _after_conflict(payments, refund)
    except (SumUpError, CommerceError) as exc:  # unreachable, 5xx, nonsense, not configured
        return _Outcome(OWED, f"SumUp did not confirm: {exc}")


async def _after_conflict(payments: Payments, refund: Refund) -> _Outcome:
    """409 after an attempt whose answer we never saw: SumUp must still hold our payment."""
    if not refund.checkout_id:
        return _Outcome(FAILED_REFUND, "SumUp answered 409 and the order has no checkout id")
    try:
        checkout = await payments.client.get_checkout(refund.checkout_id)
    except SumUpError as exc:
        return _Outcome(OWED, f"SumUp answered 409; could not check the checkout: {exc}")
    if checkout.status == "PAID" and checkout.transaction_id == refund.transaction_id:
        return _Outcome(DONE, "SumUp had already taken an earlier attempt (409 on retry)")
    return _Outcome(FAILED_REFUND, f"SumUp answered 409 and the checkout is {checkout.status}")


async def _claim(db: Database, refund_id: int, now: datetime, force: bool) -> Refund | None:
    """Take the next attempt of an owed refund, or None if it is not ours to send now."""
    async with db.transaction() as session:
        refund = await session.get(Refund, refund_id, populate_existing=True)
        if refund is None or refund.state != OWED:
            return None
        if not force and refund.next_attempt_at is not None and refund.next_attempt_at > now:
            return None
        clock = utcnow()
        claimed = await session.execute(
            update(Refund)
            .where(
                Refund.id == refund_id,
                Refund.state == OWED,
                Refund.attempts == refund.attempts,
                or_(Refund.sending_until.is_(None), Refund.sending_until < clock),
            )
            .values(attempts=refund.attempts + 1, sending_until=clock + LEASE, updated_at=clock)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return refund


async def finish_refunded_order(session: AsyncSession, order_id: int) -> None:
    """The money is back: the order is refunded; a paid order's tickets are void and their
    places go back on sale (products are not restocked automatically)."""
    order = await order_by_id(session, order_id)
    if await transition(session, order_id, PAID_STATES, REFUNDED):
        await void_tickets(session, order_id)
        await release(
            session,
            [(line.item_id, line.quantity) for line in order.lines if line.kind == "ticket"],
        )
        queue_notice(session, order, "refunded")
    elif await transition(session, order_id, CLOSED_UNPAID, REFUNDED):
        queue_notice(session, order, "refunded")


async def attempt_refund(
    db: Database,
    payments: Payments,
    refund_id: int,
    *,
    force: bool = False,
    retry_seconds: int = DEFAULT_RETRY_SECONDS,
    now: datetime | None = None,
) -> Refund | None:
    """Send one owed refund if it is due (any time with ``force``); returns the row as it now
    stands, or None when it was not ours to send (not owed, not due, or claimed by another)."""
    now = now or utcnow()
    refund = await _claim(db, refund_id, now, force)
    if refund is None:
        return None
    prior = refund.attempts
    outcome = await _send(payments, refund, prior)
    values: dict[str, object] = {
        "state": outcome.state,
        "last_error": _clip(outcome.note),
        "sending_until": None,
    }
    if outcome.state == DONE:
        values.update(done_at=utcnow(), next_attempt_at=None)
    elif outcome.state == OWED:
        # retry_seconds, doubled per attempt, at most a day
        wait = backoff(prior + 1, first=retry_seconds, cap=MAX_BACKOFF.total_seconds())
        values["next_attempt_at"] = utcnow() + wait
    else:
        values["next_attempt_at"] = None
    async with db.transaction() as session:
        recorded = await session.execute(
            update(Refund)
            .where(Refund.id == refund_id, Refund.state == OWED, Refund.attempts == prior + 1)
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        if recorded.rowcount == 1 and outcome.state == DONE:  # type: ignore[attr-defined]
            await finish_refunded_order(session, refund.order_id)
    log_at = log.info if outcome.state == DONE else log.warning
    log_at("refund %s (order %s): %s %s", refund.id, refund.order_id, outcome.state, outcome.note)
    async with db.reading() as session:
        return await session.get(Refund, refund_id, populate_existing=True)


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:300]


@dataclass(frozen=True)
class RefundPass:
    """What one pass over owed refunds did."""

    done: int
    still_owed: int
    failed: int

    def summary(self) -> str:
        return (
            f"refunds: {self.done} done, {self.still_owed} still owed, {self.failed} need a person"
        )


async def retry_due_refunds(
    db: Database,
    payments: Payments,
    *,
    retry_seconds: int = DEFAULT_RETRY_SECONDS,
    force: bool = False,
    now: datetime | None = None,
) -> RefundPass:
    """Send every owed refund whose next attempt is due (all owed ones with ``force``)."""
    now = now or utcnow()
    if not payments.configured:  # nothing could be sent: do not spend attempts
        return await _tally(db, 0)
    query = select(Refund.id).where(Refund.state == OWED).order_by(Refund.id).limit(BATCH)
    if not force:
        query = query.where(Refund.next_attempt_at <= now)
    async with db.reading() as session:
        ids = list(await session.scalars(query))
    done = 0
    for refund_id in ids:
        result = await attempt_refund(
            db, payments, refund_id, force=force, retry_seconds=retry_seconds, now=now
        )
        done += result is not None and result.state == DONE
    return await _tally(db, done)


async def _tally(db: Database, done: int) -> RefundPass:
    async with db.reading() as session:
        rows = await session.execute(select(Refund.state, func.count()).group_by(Refund.state))
        counts: dict[str, int] = {state: count for state, count in rows}
    return RefundPass(done, counts.get(OWED, 0), counts.get(FAILED_REFUND, 0))


async def list_refunds(db: Database) -> list[tuple[Refund, str]]:
    """Every refund with its order's reference, owed and failed first."""
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(Refund, Order.reference)
                .join(Order, Order.id == Refund.order_id)
                .order_by(Refund.state != OWED, Refund.state != FAILED_REFUND, Refund.id)
            )
        ).all()
    return [(refund, reference) for refund, reference in rows]


async def refund_states(session: AsyncSession, order_ids: list[int]) -> dict[int, str]:
    """``order id → refund state`` for the orders that have a refund."""
    if not order_ids:
        return {}
    rows = await session.execute(
        select(Refund.order_id, Refund.state).where(Refund.order_id.in_(order_ids))
    )
    return {order_id: state for order_id, state in rows.all()}
