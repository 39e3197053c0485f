"""HTML as Mastodon keeps it (4.2+): everything else is stripped before it federates.

Headings become ``<p><strong>`` (Mastodon does the same on receipt) and images are dropped
here: they travel as attachments with alt text instead.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = {
    "p", "span", "br", "a", "del", "pre", "code", "em", "strong",
    "b", "i", "u", "ul", "ol", "li", "blockquote",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_HEADING_OPEN = re.compile(r"<h[1-6](\s[^>]*)?>", re.IGNORECASE)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)


def sanitize_html(html: str | None) -> str:
    """Sanitise ``html`` to the subset Mastodon renders; headings become bold paragraphs."""
    if not html:
        return ""
    html = _HEADING_OPEN.sub("<p><strong>", html)
    html = _HEADING_CLOSE.sub("</strong></p>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        clean_content_tags={"script", "style"},
    )
    return cleaned.strip()


def plain_text(html: str | None) -> str:
    """The text of ``html``: tags (and script/style content) dropped, entities decoded,
    whitespace collapsed. For ``name``, which ActivityStreams defines as plain text."""
    if not html:
        return ""
    text = nh3.clean(str(html), tags=set(), clean_content_tags={"script", "style"})
    return " ".join(unescape(text).split())
