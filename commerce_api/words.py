"""Plain words for messages a shopper reads: currencies by name, never internal ids."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["currency_name", "currency_names", "order_state_words"]

_NAMES = {
    "GBP": "pounds",
    "EUR": "euros",
    "USD": "dollars",
    "JPY": "yen",
    "CHF": "Swiss francs",
    "SEK": "Swedish kronor",
    "DKK": "Danish kroner",
    "NOK": "Norwegian kroner",
    "PLN": "złoty",
}


def currency_name(code: str) -> str:
    """``GBP`` -> ``pounds``; an unlisted code stays as it is."""
    return _NAMES.get(code.upper(), code.upper())


def currency_names(codes: Iterable[str]) -> str:
    """``["GBP", "JPY"]`` -> ``pounds and yen``."""
    names = [currency_name(code) for code in sorted(codes)]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


_ORDER_STATES = {
    "pending": "Your order is waiting for payment.",
    "paid": "Thank you: your order is paid.",
    "fulfilled": "Your order has been handed over.",
    "failed": "The payment did not go through. Nothing was charged.",
    "expired": "This order expired before it was paid.",
    "cancelled": "This order was cancelled.",
    "refunded": "This order was refunded.",
}


def order_state_words(state: str) -> str:
    """What the receipt page and the cart island say of an order in ``state`` (both print
    the API's ``state_text``, so the words live here only)."""
    return _ORDER_STATES.get(state, f"Order status: {state}")
