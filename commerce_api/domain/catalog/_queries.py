"""What a catalogue id may look like."""

from __future__ import annotations

__all__ = ["MAX_ITEM_ID", "plausible_item_id"]

MAX_ITEM_ID = 200


def plausible_item_id(item_id: str) -> bool:
    """Could this be a catalogue id at all? Checked before any query: PostgreSQL refuses text
    with NUL characters outright, and such an id is simply not on sale."""
    return 0 < len(item_id) <= MAX_ITEM_ID and item_id.isprintable()
