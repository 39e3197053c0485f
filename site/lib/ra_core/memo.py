"""Values derived from content, kept between builds by a digest of what they are made from.

A table maps ``key(...)`` of every input a value depends on (beyond the site's code and
settings: the build session keeps the tables only while those are unchanged) to the value.
``lookup`` computes what is missing; ``save`` keeps what this build used for the next one.
Used for the serialised VEVENTs of ``.ics`` files and the finished manifest entries.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_loaded: dict[str, dict[bytes, Any]] = {}  # from the last build
_used: dict[str, dict[bytes, Any]] = {}  # what this build needed


def key(*parts: Any) -> bytes:
    """Digest of plain values (strings, numbers, dates, lists, dicts: their repr is stable)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).digest()


def lookup(table: str, digest: bytes, compute: Callable[[], T]) -> T:
    """The value kept under ``digest`` in ``table``, or ``compute()`` (then kept)."""
    used = _used.setdefault(table, {})
    found = used.get(digest)
    if found is None:
        found = _loaded.get(table, {}).get(digest)
        if found is None:
            found = compute()
        used[digest] = found
    return found


def store(table: str, digest: bytes, value: Any) -> None:
    """Keep ``value`` under ``digest`` (replacing what the last build kept there)."""
    _used.setdefault(table, {})[digest] = value


def kept(table: str, digest: bytes) -> Any | None:
    """What this or the last build kept under ``digest`` (None if nothing)."""
    found = _used.get(table, {}).get(digest)
    if found is None:
        found = _loaded.get(table, {}).get(digest)
        if found is not None:
            _used.setdefault(table, {})[digest] = found
    return found


def forget() -> None:
    """Start from nothing (no last build, or its code or settings differ)."""
    _loaded.clear()
    _used.clear()


def load(path: Path) -> None:
    """Tables kept by ``save`` (missing or unreadable: compute everything)."""
    forget()
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError):
        return
    if isinstance(data, dict):
        _loaded.update(data)


def save(path: Path) -> None:
    """Keep what this build used (entries of content that is gone are dropped). Streamed to
    the file: the finished manifest entries alone are 40 MB for 1,000 long posts."""
    with path.open("wb") as out:
        pickle.dump(_used, out, protocol=pickle.HIGHEST_PROTOCOL)
