"""Product prices: the shared ``ra_core.money`` (650 GBP is £6.50)."""

from ra_core.money import format_price, is_known_currency, minor_unit_digits, to_major

__all__ = ["format_price", "is_known_currency", "minor_unit_digits", "to_major"]
