"""A small link checker over a built site folder, as a reader's browser would follow links.

Every ``href``/``src``/``srcset`` (and og:image / canonical) in every HTML file, and every
``url(...)`` in CSS, that points inside the site must resolve to a file in the folder:
``/x/`` -> ``x/index.html``. External links, ``mailto:`` and fragments are ignored; form
actions are not links (they post to the commerce API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_SKIP = ("mailto:", "tel:", "data:", "javascript:", "#")


@dataclass(frozen=True)
class BrokenLink:
    page: str
    url: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url}"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if values.get("srcset"):
            self.urls.extend(part.strip().split(" ")[0] for part in values["srcset"].split(","))
        if tag == "meta" and values.get("property") in ("og:image", "og:url"):
            self.urls.append(values.get("content", ""))


def _page_url(site_url: str, relative: str) -> str:
    return f"{site_url.rstrip('/')}/{relative}"


def _target(url: str, page: str, site_url: str, root: Path) -> Path | None:
    if not url or url.startswith(_SKIP):
        return None
    absolute = urljoin(page, url)
    target, site = urlsplit(absolute), urlsplit(site_url)
    if (target.scheme, target.netloc) != (site.scheme, site.netloc):
        return None
    path = unquote(target.path)[len(site.path.rstrip("/")) :].lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return root / path


def _exists(file: Path) -> bool:
    return file.is_file() or (file.is_dir() and (file / "index.html").is_file())


def check_links(root: Path, site_url: str) -> list[BrokenLink]:
    """Every internal reference in ``root`` that does not resolve to a file."""
    broken: list[BrokenLink] = []
    for file in sorted(root.rglob("*")):
        if file.suffix not in (".html", ".css") or not file.is_file():
            continue
        relative = file.relative_to(root).as_posix()
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".html":
            parser = _Refs()
            parser.feed(text)
            urls = parser.urls
        else:
            urls = _CSS_URL.findall(text)
        page = _page_url(site_url, relative)
        for url in urls:
            target = _target(url, page, site_url, root)
            if target is not None and not _exists(target):
                broken.append(BrokenLink(relative, url))
    return broken


def internal_references(root: Path, site_url: str) -> set[str]:
    """Paths (relative to ``root``) of every file some HTML page references."""
    found: set[str] = set()
    for file in root.rglob("*.html"):
        parser = _Refs()
        parser.feed(file.read_text(encoding="utf-8"))
        page = _page_url(site_url, file.relative_to(root).as_posix())
        for url in parser.urls:
            target = _target(url, page, site_url, root)
            if target is not None:
                found.add(target.relative_to(root).as_posix())
    return found
