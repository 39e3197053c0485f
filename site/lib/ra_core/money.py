"""Money in minor units for the site: ``manifest_contract``'s one formatter and conversion.

650 GBP is £6.50; 1200 JPY is JP¥1,200 (the yen has no minor unit). Products (ra_market) and
event tickets (ra_events) both use this, and the shop's pages print prices the same way.
"""

from __future__ import annotations

from manifest_contract import MONEY_LOCALE as LOCALE
from manifest_contract import currency_exponent as minor_unit_digits
from manifest_contract import format_money as format_price
from manifest_contract import is_known_currency
from manifest_contract import minor_to_major as to_major

__all__ = ["LOCALE", "format_price", "is_known_currency", "minor_unit_digits", "to_major"]
