"""The build -> servers contract (docs/manifests.md) as code, importable by every part.

The site writes ``build/_data/catalog.json`` and ``build/_data/activitystreams.json``; the
commerce API and the federation server read them. What both sides must agree on lives here
once, so no part keeps its own copy.
"""

from __future__ import annotations

from manifest_contract._hashing import canonical_json, content_hash, with_content_hash
from manifest_contract._money import (
    MONEY_LOCALE,
    currency_exponent,
    format_money,
    is_known_currency,
    major_to_minor,
    minor_to_major,
)

__all__ = [
    "MONEY_LOCALE",
    "SCHEMA_VERSION",
    "canonical_json",
    "content_hash",
    "currency_exponent",
    "format_money",
    "is_known_currency",
    "major_to_minor",
    "minor_to_major",
    "with_content_hash",
]

#: The manifest schema version the build writes and the servers read.
SCHEMA_VERSION = 1
