"""Orders: states, stock reservation, payment confirmation, expiry, refunds, free bookings."""

from commerce_api.domain.orders._admin import cancel_order, fulfil_order, refund_order
from commerce_api.domain.orders._bookings import (
    cancel_booking,
    cancel_member_booking,
    is_free_booking,
    member_bookings,
)
from commerce_api.domain.orders._lookup import order_by_id, order_by_token, order_for_admin
from commerce_api.domain.orders._mail import queue_notice, queue_receipt
from commerce_api.domain.orders._read import member_orders, order_view, view_of
from commerce_api.domain.orders._refunds import (
    RefundPass,
    attempt_refund,
    list_refunds,
    retry_due_refunds,
)
from commerce_api.domain.orders._settle import confirm_checkout, refresh_order, settle
from commerce_api.domain.orders._states import (
    CANCELLED,
    CLOSED_UNPAID,
    EXPIRED,
    FAILED,
    FULFILLED,
    PAID,
    PAID_STATES,
    PENDING,
    REFUNDED,
    transition,
)
from commerce_api.domain.orders._stock import release, reserve
from commerce_api.domain.orders._tickets import issue_tickets, void_tickets
from commerce_api.domain.orders.expiry import expire_order, expire_stale_orders
from commerce_api.domain.orders.schemas import OrderView

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
    "OrderView",
    "RefundPass",
    "attempt_refund",
    "cancel_booking",
    "cancel_member_booking",
    "cancel_order",
    "confirm_checkout",
    "expire_order",
    "expire_stale_orders",
    "fulfil_order",
    "is_free_booking",
    "issue_tickets",
    "list_refunds",
    "member_bookings",
    "member_orders",
    "order_by_id",
    "order_by_token",
    "order_for_admin",
    "order_view",
    "queue_notice",
    "queue_receipt",
    "refresh_order",
    "refund_order",
    "release",
    "reserve",
    "retry_due_refunds",
    "settle",
    "transition",
    "view_of",
    "void_tickets",
]
