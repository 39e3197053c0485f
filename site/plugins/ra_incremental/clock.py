"""When a build's output changes although no input file did.

A scheduled post becomes due, an event starts or ends (so it moves between "upcoming" and
"past"), or the day turns. The "nothing changed" shortcut is valid only until the soonest of
these; content dates are found wherever plugins keep them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any


def next_midnight_utc(now: float) -> float:
    today = datetime.fromtimestamp(now, UTC).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC).timestamp()


def _is_content(value: Any) -> bool:
    return hasattr(value, "source_path") and hasattr(value, "metadata")


_SKIPPED = (str, bytes, int, float)


def _soonest(value: Any, seen: set[int], now: float, soonest: float, depth: int = 0) -> float:
    """The earliest date or datetime inside a value (through lists, dicts and plain objects)
    that lies between ``now`` and ``soonest``, else ``soonest``. Plain recursion, not
    generators: a rebuild walks ~125,000 values."""
    if isinstance(value, datetime):
        moment = value.timestamp()
        return moment if now < moment < soonest else soonest
    if isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time(), UTC).timestamp()
        return moment if now < moment < soonest else soonest
    if depth > 8 or isinstance(value, _SKIPPED) or id(value) in seen:
        return soonest
    seen.add(id(value))
    if isinstance(value, Mapping):
        items: Any = value.values()
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    elif hasattr(value, "__dict__") and not callable(value) and not _is_content(value):
        items = vars(value).values()
    else:
        return soonest
    for item in items:
        soonest = _soonest(item, seen, now, soonest, depth + 1)
    return soonest


def next_change(context: Mapping[str, Any], settings_keys: set[str], now: float) -> float:
    """When the output would change with no input changed: a scheduled post becomes due, an
    event occurrence starts or ends (upcoming lists), or the day turns (at the latest)."""
    soonest = next_midnight_utc(now)
    values: list[Any] = []
    for content in context.get("generated_content", {}).values():
        if content is not None:
            values += [v for k, v in vars(content).items() if k not in ("settings", "_context")]
    values += [v for k, v in context.items() if k not in settings_keys]
    seen: set[int] = set()
    for value in values:
        soonest = _soonest(value, seen, now, soonest)
    return soonest
