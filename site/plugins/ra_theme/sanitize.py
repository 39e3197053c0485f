"""The one place body HTML becomes trusted: Markdown output cleaned by nh3 (ammonia).

Templates autoescape everything; only a body or summary that went through ``clean`` is marked
safe. Markdown's own output (headings, lists, tables, footnotes, images, links) passes
unchanged; scripts, event handlers, ``javascript:`` URLs and unknown tags do not.
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map", "center", "acronym", "strike", "tt"}
_GENERIC = {"id", "class", "title", "lang", "dir"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "abbr": {"title"},
    "*": _GENERIC,
}
_ATTRIBUTES = {tag: attrs | _GENERIC for tag, attrs in _ATTRIBUTES.items()}


def clean(html: str) -> str:
    """``html`` with anything that could run script or break the page removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel=None,
        strip_comments=True,
    )
