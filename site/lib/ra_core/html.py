"""The images and links of a content body, parsed once whoever asks.

Validation (alt text, dead links) and the manifests (image attachments) all need the
``<img>`` and ``<a href>`` tags of every post; parsing each body once instead of three times
saves about half a second per 1,000 posts. The results can also be kept between builds
(``load``/``save``, by a digest of the body: the build session does this), so a rebuild
parses only the bodies that changed.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True)
class Tags:
    """``images``: (src, alt or None) of every ``<img>``; ``links``: every non-empty href."""

    images: tuple[tuple[str, str | None], ...]
    links: tuple[str, ...]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[tuple[str, str | None]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append((values.get("src") or "", values.get("alt")))
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


_by_text: dict[str, Tags] = {}
_by_digest: dict[bytes, Tags] = {}  # loaded from the last build
_used: dict[bytes, Tags] = {}  # what this build needed: saved for the next one


def _parse(html: str) -> Tags:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return Tags(tuple(collector.images), tuple(collector.links))


def html_tags(html: str) -> Tags:
    """The tags of ``html`` (memoised by the text: bodies do not change during a build)."""
    html = html or ""
    tags = _by_text.get(html)
    if tags is None:
        digest = hashlib.blake2b(html.encode("utf-8"), digest_size=16).digest()
        tags = _by_digest.get(digest)
        if tags is None:
            tags = _parse(html)
        _by_text[html] = _used[digest] = tags
    return tags


def load(path: Path) -> None:
    """Results kept by ``save`` (missing or unreadable: parse everything)."""
    try:
        data = pickle.loads(path.read_bytes())
        _by_digest.update({k: Tags(*v) for k, v in data.items()})
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError):
        pass


def save(path: Path) -> None:
    """Keep this build's results for the next (only the bodies it saw)."""
    data = {k: (t.images, t.links) for k, t in _used.items()}
    path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def script_safe(json_text: str) -> str:
    """JSON text safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u`` escapes (still the
    same JSON), so no "</script>" or "<!--" in a value can end the script early."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
