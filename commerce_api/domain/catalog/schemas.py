"""What the catalogue endpoints return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commerce_api.db.models import Item

__all__ = ["ItemView"]


@dataclass
class ItemView:
    id: str
    kind: str
    title: str
    url: str
    price_minor: int
    currency: str
    available: int | None
    """Units (or places) left to reserve; ``null`` means unlimited."""
    in_stock: bool
    category: str | None = None
    image: str | None = None
    event_id: str | None = None
    event_title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, item: Item) -> ItemView:
        return cls(
            id=item.id,
            kind=item.kind,
            title=item.title,
            url=item.url,
            price_minor=item.price_minor,
            currency=item.currency,
            available=item.available,
            in_stock=item.available is None or item.available > 0,
            category=item.category,
            image=item.image,
            event_id=item.event_id,
            event_title=item.event_title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
        )
