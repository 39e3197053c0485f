"""The Product content type and its market categories."""

from __future__ import annotations

from functools import total_ordering
from typing import Any

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from ra_market.money import format_price, to_major


class Product(Content):
    """One product page. URLs come from ``PRODUCT_URL`` / ``PRODUCT_SAVE_AS``."""

    mandatory_properties = ("title",)
    default_template = "product"
    default_status = "published"

    # Filled by the generator once the front matter is validated.
    price: int
    currency: str
    stock: int | None

    def _expand_settings(self, key: str, klass: str | None = None) -> str:
        """A draft's URL comes from ``DRAFT_PRODUCT_URL``/``_SAVE_AS`` (empty: not written)."""
        draft = "draft_product" if self.status == "draft" else None
        return super()._expand_settings(key, klass or draft)

    @property
    def product_id(self) -> str:
        return f"product:{self.slug}"

    @property
    def price_display(self) -> str:
        return format_price(self.price, self.currency)

    @property
    def price_decimal(self) -> str:
        return str(to_major(self.price, self.currency))

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0

    @property
    def availability(self) -> str:
        """schema.org availability name (``InStock`` / ``OutOfStock``)."""
        return "InStock" if self.in_stock else "OutOfStock"


@total_ordering
class MarketCategory(URLWrapper):
    """A product category listing (``market/category/<slug>/``)."""

    def __init__(self, name: str, settings: dict[str, Any]) -> None:
        super().__init__(name, settings)

    def _setting(self, key: str) -> str:
        return str(self.settings[f"MARKET_CATEGORY_{key}"]).format(**self.as_dict())

    @property
    def url(self) -> str:
        return self._setting("URL")

    @property
    def save_as(self) -> str:
        return self._setting("SAVE_AS")

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)
