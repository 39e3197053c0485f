"""The front-matter keys each kind of content understands, and a "did you mean" for the rest.

Pelican ignores a key it does not know, so ``Sumary:`` silently loses the summary. The build
reports a key that is one typo away from a known one as an error; ``make check`` also lists
the other unknown keys for review. One table for both (``editor_tools.check`` imports it): a
plugin or template that reads a new front-matter key adds it here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: Keys Pelican itself reads for any content.
PELICAN_KEYS = frozenset(
    {"title", "slug", "date", "modified", "status", "summary", "tags", "category", "author",
     "authors", "lang", "translation", "template", "save_as", "url"}
)  # fmt: skip
COMMON_KEYS = PELICAN_KEYS | {"image", "image_alt"}
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "post": COMMON_KEYS,
    "page": COMMON_KEYS,
    "product": COMMON_KEYS | {"price", "currency", "stock", "gallery", "delivery"},
    "event": COMMON_KEYS
    | {"start", "end", "timezone", "rrule", "exdate", "venue", "tickets", "event_status"},
}
#: Content folder -> kind (the folders ``content/README.md`` describes).
FOLDER_KINDS = {"blog": "post", "pages": "page", "market": "product", "events": "event"}


def kind_of(relative_path: str) -> str | None:
    """The kind of a content file from its first folder (``blog/x.md`` -> ``post``)."""
    first = relative_path.replace("\\", "/").split("/", 1)[0]
    return FOLDER_KINDS.get(first)


def suggestion(key: str, kind: str) -> str | None:
    """The known key ``key`` is most likely a typo of, if it is close to one."""
    matches = difflib.get_close_matches(key.lower(), sorted(KNOWN_KEYS[kind]), n=1, cutoff=0.75)
    return matches[0] if matches else None


def unknown_keys(keys: Iterable[str], kind: str) -> list[tuple[str, str | None]]:
    """(key, suggested known key or None) for each key ``kind`` does not understand."""
    known = KNOWN_KEYS[kind]
    return [(key, suggestion(key, kind)) for key in keys if key.lower() not in known]


__all__ = ["FOLDER_KINDS", "KNOWN_KEYS", "kind_of", "suggestion", "unknown_keys"]
