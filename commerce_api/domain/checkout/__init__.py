"""Checkout: cart → order (with reserved stock) → SumUp hosted checkout."""

from commerce_api.domain.checkout._service import (
    check_email,
    check_idempotency_key,
    place_order,
    retry_cart,
    start_payment,
)

__all__ = ["check_email", "check_idempotency_key", "place_order", "retry_cart", "start_payment"]
