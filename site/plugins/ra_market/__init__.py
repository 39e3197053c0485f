"""The market: product pages, category listings, prices per currency, add-to-cart forms.

Products are Markdown files in ``content/market/`` with front matter ``title``, ``slug``,
``price`` (integer minor units), ``currency`` (ISO 4217), ``stock`` (whole number, or
``unlimited``), ``category``, ``image`` + ``image_alt`` and ``summary``. Bad values become
ContentErrors. Context keys: ``products`` (sorted by title) and ``market_categories``
(``[(MarketCategory, [Product, ...]), ...]``).
"""

from ra_market.generator import MarketGenerator
from ra_market.money import format_price, is_known_currency, minor_unit_digits
from ra_market.product import MarketCategory, Product

__all__ = [
    "MarketCategory",
    "MarketGenerator",
    "Product",
    "format_price",
    "is_known_currency",
    "minor_unit_digits",
    "register",
]


def get_generators(_pelican: object) -> type[MarketGenerator]:
    return MarketGenerator


def register() -> None:
    from pelican import signals

    signals.get_generators.connect(get_generators)
