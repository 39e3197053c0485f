"""``<picture>`` markup for a source image in a slot, and the same for images in a body.

Every picture offers AVIF/WebP files at the widths its slot can use (``srcset`` + ``sizes``),
falls back to one JPEG/PNG for old browsers, and carries ``width``/``height`` so the page
does not jump while it loads. Pictures below the fold load lazily.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import Markup

from ra_images.derive import FALLBACK_WIDTH, Source, modern_formats, probe
from ra_images.slots import SLOTS, widths_for

_MIME = {"avif": "image/avif", "webp": "image/webp"}
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def _attrs(pairs: dict[str, str | None]) -> str:
    return "".join(
        f' {name}="{escape(value)}"' if value is not None else f" {name}"
        for name, value in pairs.items()
    )


@dataclass
class Catalogue:
    """The images of one build: content images (derived) and theme images (as they are)."""

    content_root: Path
    theme_static: Path
    site_url: str
    #: site path -> why it could not be decoded (such images are linked as they are)
    broken: dict[str, str] = field(default_factory=dict)

    def source(self, name: str) -> Source | None:
        """``images/x.png`` in the content folder (the only images that get derived files)."""
        name = name.lstrip("/")
        if not name or name.startswith("theme/") or ".." in name.split("/"):
            return None
        if name in self.broken:
            return None
        return probe(self.content_root / name, name)

    def _plain_size(self, name: str) -> tuple[int, int] | None:
        if name.startswith("theme/"):
            found = probe(self.theme_static / name.removeprefix("theme/"), name)
        else:
            found = probe(self.content_root / name, name)
        return (found.width, found.height) if found else None

    def url(self, name: str) -> str:
        return f"{self.site_url}/{name.lstrip('/')}"

    def picture(
        self,
        name: str,
        alt: str,
        slot: str,
        *,
        lazy: bool = True,
        priority: bool = False,
        css_class: str | None = None,
    ) -> Markup:
        """The HTML for ``name`` shown in ``slot``; a plain ``<img>`` for non-content images.
        (``alt`` may be a template's undefined value: a missing alt is a content error
        reported elsewhere, not a crash here.)"""
        alt = str(alt) if alt else ""
        name = str(name)
        kind = SLOTS[slot]
        source = self.source(name)
        loading = {"loading": "lazy"} if lazy and not priority else {}
        extra = {"fetchpriority": "high"} if priority else {}
        if source is None:
            size = self._plain_size(name)
            dims = {"width": str(size[0]), "height": str(size[1])} if size else {}
            plain = {"src": self.url(name), "alt": alt, **dims, **loading, "class": css_class}
            return Markup(f"<img{_attrs({k: v for k, v in plain.items() if v is not None})}>")
        widths = widths_for(kind, source.width)
        parts = ["<picture>"]
        for fmt in modern_formats():
            srcset = ", ".join(f"{self.url(source.derived_name(w, fmt))} {w}w" for w in widths)
            parts.append(
                f"<source{_attrs({'type': _MIME[fmt], 'srcset': srcset, 'sizes': kind.sizes})}>"
            )
        fallback = source.derived_name(min(FALLBACK_WIDTH, source.width), source.fallback_format)
        img: dict[str, str | None] = {
            "src": self.url(fallback),
            "alt": alt,
            "width": str(widths[-1]),
            "height": str(source.height_at(widths[-1])),
            **loading,
            "decoding": "async",
            **extra,
        }
        if css_class:
            img["class"] = css_class
        parts.append(f"<img{_attrs(img)}></picture>")
        return Markup("".join(parts))

    def rewrite_body(self, html: str) -> str:
        """Every ``<img>`` of this site's content images in a body becomes a lazy picture."""
        prefix = self.site_url.rstrip("/") + "/"

        def replace(match: re.Match[str]) -> str:
            attrs = _tag_attrs(match.group(0))
            src = attrs.get("src") or ""
            if src.startswith(prefix):
                name = src[len(prefix) :]
            elif src.startswith("/"):
                name = src[1:]
            else:
                return match.group(0)
            if self.source(name) is None:
                return match.group(0)
            return self.picture(name, attrs.get("alt") or "", "body", lazy=True)

        return _IMG.sub(replace, html)


class _OneTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = dict(attrs)

    handle_startendtag = handle_starttag


def _tag_attrs(tag: str) -> dict[str, str | None]:
    parser = _OneTag()
    parser.feed(tag)
    parser.close()
    return parser.attrs
