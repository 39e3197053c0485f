"""MarketGenerator: reads ``content/market/*.md`` into Products and writes the market pages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pelican.generators import CachingGenerator
from ra_core import ContentError, report_error, source_label

from ra_market.product import MarketCategory, Product
from ra_market.validation import check_product


class MarketGenerator(CachingGenerator):
    """Products, the market index and one listing per category."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.products: list[Product] = []
        #: shown only where DRAFT_PRODUCT_SAVE_AS gives them a place (make preview)
        self.draft_products: list[Product] = []
        self.market_categories: list[tuple[MarketCategory, list[Product]]] = []
        super().__init__(*args, **kwargs)

    def _label(self, product: Product) -> str:
        return source_label(self.context, product.source_path)

    def _read(self, path: str) -> Product | None:
        try:
            product = self.readers.read_file(
                base_path=self.path, path=path, content_class=Product, context=self.context
            )
        except Exception:  # recorded as a ContentError by ra_validate's reader guard
            self._add_failed_source_path(path)
            return None
        if not product.is_valid():
            self._add_failed_source_path(path)
            return None
        return product

    def _validate(self, product: Product) -> bool:
        fields, problems = check_product(product.metadata)
        for field, message in problems:
            report_error(self.context, ContentError(self._label(product), field, message))
        if fields is None:
            return False
        product.price = fields.price
        product.currency = fields.currency
        product.stock = fields.stock
        product.category = MarketCategory(fields.category, self.settings)
        return True

    def _report_duplicates(self, products: list[Product]) -> list[Product]:
        first: dict[str, Product] = {}
        unique = []
        for product in sorted(products, key=self._label):
            if product.slug in first:
                other = self._label(first[product.slug])
                message = f"{product.slug!r} is already used by {other}"
                report_error(self.context, ContentError(self._label(product), "slug", message))
                continue
            first[product.slug] = product
            unique.append(product)
        return unique

    def generate_context(self) -> None:
        products, drafts = [], []
        shows_drafts = bool(self.settings.get("DRAFT_PRODUCT_SAVE_AS"))
        paths = self.settings.get("MARKET_PATHS", ["market"])
        for path in self.get_files(paths, exclude=self.settings.get("MARKET_EXCLUDES", [])):
            product = self._read(path)
            if product is None:
                continue
            self.add_source_path(product)
            self.add_static_links(product)
            if product.status == "published" and self._validate(product):
                products.append(product)
            elif product.status == "draft" and shows_drafts and self._validate(product):
                drafts.append(product)
        self.products = sorted(self._report_duplicates(products), key=lambda p: p.title)
        self.draft_products = sorted(self._report_duplicates(drafts), key=lambda p: p.title)
        by_category: dict[MarketCategory, list[Product]] = defaultdict(list)
        for product in self.products:
            by_category[product.category].append(product)
        self.market_categories = sorted(by_category.items())
        self._update_context(("products", "market_categories"))
        self.save_cache()
        self.readers.save_cache()

    def generate_output(self, writer: Any) -> None:
        for product in self.products + self.draft_products:
            writer.write_file(
                product.save_as,
                self.get_template(product.template),
                self.context,
                product=product,
                page=product,
                relative_urls=self.settings["RELATIVE_URLS"],
                override_output=hasattr(product, "override_save_as"),
                url=product.url,
            )
        if self.settings.get("MARKET_SAVE_AS"):
            writer.write_file(
                self.settings["MARKET_SAVE_AS"],
                self.get_template("market"),
                self.context,
                url=self.settings["MARKET_URL"],
            )
        for category, products in self.market_categories:
            writer.write_file(
                category.save_as,
                self.get_template("market_category"),
                self.context,
                market_category=category,
                category_products=products,
                url=category.url,
            )
