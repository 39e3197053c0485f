"""Expanding our bodies as a JSON-LD processor (Fedify's, every server built on it) does.

PyLD with a document loader that serves the ActivityStreams and security contexts from
local copies (``contexts/``): no network, and an unknown context URL fails loudly.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS = Path(__file__).parent / "contexts"
LOCAL = {
    "https://www.w3.org/ns/activitystreams": "activitystreams.json",
    "https://w3id.org/security/v1": "security-v1.json",
}
AS = "https://www.w3.org/ns/activitystreams#"
PUBLIC = AS + "Public"


@cache
def _context(url: str) -> dict[str, Any]:
    return json.loads((CONTEXTS / LOCAL[url]).read_text(encoding="utf-8"))


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") not in LOCAL:
        raise AssertionError(f"a receiver would have to fetch an unknown context: {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _context(url.rstrip("/")),
    }


OPTIONS = {"documentLoader": load_document}


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, OPTIONS)


def unknown_terms(expanded: Any) -> set[str]:
    """Properties and types a processor cannot place: AS's ``@vocab`` maps every term it
    does not define to a blank node (``_:name``), which receivers ignore."""
    found: set[str] = set()
    if isinstance(expanded, list):
        for item in expanded:
            found |= unknown_terms(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key.startswith("_:"):
                found.add(key)
            if key == "@type":
                found |= {t for t in (value if isinstance(value, list) else [value])
                          if isinstance(t, str) and t.startswith("_:")}  # fmt: skip
            found |= unknown_terms(value)
    return found


def _normal(value: Any) -> Any:
    """Compare compact forms regardless of one-item arrays and of ``as:Public``."""
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if k != "@context"}
    if value in {"as:Public", "Public"}:
        return PUBLIC
    return value


def round_trip(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` expanded, then compacted again under its own context."""
    compacted = jsonld.compact(expand(document), {"@context": document["@context"]}, OPTIONS)
    return compacted


def assert_reads_as_itself(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The body expands with nothing dropped or unplaced, and compacts back to itself.
    Returns the expanded form for further checks."""
    expanded = expand(document)
    assert len(expanded) == 1, "the body expands to nothing (no usable @context?)"
    assert not unknown_terms(expanded), f"terms no receiver understands: {unknown_terms(expanded)}"
    again, original = _normal(round_trip(document)), _normal(document)
    assert again == original, f"read back as {json.dumps(again)}\nsent {json.dumps(original)}"
    return expanded
