"""Header access shared by both signature schemes: case-insensitive, multi-valued, canonical."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "HeadersInput",
    "format_http_date",
    "header_items",
    "normalize_headers",
    "parse_http_date",
]

#: Anything a web framework or httpx hands us: a mapping, a multi-dict or (name, value) pairs.
HeadersInput = Mapping[str, str] | Iterable[tuple[str, str]]

_OBS_FOLD = re.compile(r"\r?\n[ \t]+")


def header_items(headers: HeadersInput | Any) -> Iterable[tuple[str, str]]:
    """Every ``(name, value)`` pair as given, a repeated field once per value."""
    if hasattr(headers, "multi_items"):
        return headers.multi_items()
    if isinstance(headers, Mapping):
        return headers.items()
    return headers


def normalize_headers(headers: HeadersInput | Any) -> dict[str, str]:
    """Lower-cased names to one canonical value each.

    Repeated fields are joined with ``", "`` and line folding is removed, the canonical form
    both draft-cavage (section 2.3) and RFC 9421 (section 2.1) sign.
    """
    collected: dict[str, list[str]] = {}
    for name, value in header_items(headers):
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        collected.setdefault(name.lower(), []).append(_OBS_FOLD.sub(" ", value).strip())
    return {name: ", ".join(values) for name, values in collected.items()}


def format_http_date(timestamp: float) -> str:
    """IMF-fixdate, the only ``Date`` format Mastodon parses (``Time.httpdate``)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """Parse a ``Date`` header; ``None`` when it is not a date at all."""
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
