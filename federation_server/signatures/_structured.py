"""RFC 8941 structured fields through ``http_sf``, behind two typed calls.

``http_sf`` types its values as one wide union; the signature code knows which shape each
header has, so the one cast to that shape is made here rather than at every use.
"""

from __future__ import annotations

from typing import Any, cast

import http_sf

__all__ = ["StructuredFieldError", "parse_dictionary", "serialize"]

StructuredFieldError = http_sf.StructuredFieldError


def parse_dictionary(value: str) -> dict[str, Any]:
    """A structured-field dictionary header; ``StructuredFieldError``/``ValueError`` if not."""
    return cast(dict[str, Any], http_sf.parse(value.encode("latin-1"), tltype="dictionary"))


def serialize(value: Any) -> str:
    """A dictionary, list or item (with parameters) as header text."""
    return http_sf.ser(value)
