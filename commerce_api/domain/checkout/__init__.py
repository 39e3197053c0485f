"""Checkout: cart → order (with reserved stock) → SumUp hosted checkout."""

from commerce_api.domain.checkout._service import place_order, start_payment

__all__ = ["place_order", "start_payment"]
