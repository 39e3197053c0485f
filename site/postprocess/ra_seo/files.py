"""sitemap.xml (every HTML page of the finished site) and robots.txt pointing at it.

The sitemap is made from the written files rather than from one generator's content, so the
pages other plugins write (events, calendars) are listed without them doing anything.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ra_core import memo, write_or_link

EXCLUDED = {"404.html"}
NOINDEX = b'<meta name="robots" content="noindex">'
NOINDEX_TABLE = "sitemap-noindex"


def page_url(site_url: str, relative: str) -> str:
    if relative == "index.html":
        return f"{site_url}/"
    if relative.endswith("/index.html"):
        return f"{site_url}/{relative[: -len('index.html')]}"
    return f"{site_url}/{relative}"


def last_modified(context: Mapping[str, Any]) -> dict[str, str]:
    """save_as -> W3C date for content that has a date (posts, events, dated pages).
    The same while the front matter is (a resident process's partial re-run keeps it)."""
    dates: dict[str, str] = {}
    for content in context.get("generated_content", {}).values():
        when = getattr(content, "modified", None) or getattr(content, "date", None)
        save_as = getattr(content, "save_as", None)
        if content is None or not save_as or not isinstance(when, datetime):
            continue
        if when.tzinfo is not None:
            when = when.astimezone(UTC)
        dates[save_as] = when.strftime("%Y-%m-%d")
    return dates


def _noindex(
    output: Path, relative: str, fresh: Container[str] | None, served: Path | None = None
) -> bool:
    """Whether the page asks not to be indexed. A page not in ``fresh`` is the last build's
    file, linked unchanged (or, with ``served``, left in that folder): its answer is the one
    that build kept (ra_core.memo, which is dropped whenever code or settings change)."""
    digest = memo.key("noindex", relative)
    if fresh is not None and relative not in fresh:
        found = memo.kept(NOINDEX_TABLE, digest)
        if found is not None:
            return bool(found)
        if served is not None:
            output = served
    answer = NOINDEX in (output / relative).read_bytes()
    memo.store(NOINDEX_TABLE, digest, answer)
    return answer


def sitemap_xml(
    context: Mapping[str, Any],
    output: Path,
    files: Iterable[str] | None = None,
    fresh: Container[str] | None = None,
    served: Path | None = None,
    dates: Mapping[str, str] | None = None,
) -> str:
    """The sitemap of ``output``; ``files`` (relative POSIX paths) saves walking the tree;
    ``fresh``: the files this build wrote (the others are the last build's, unchanged, in
    ``output`` or, given, in ``served``); ``dates``: ``last_modified(context)`` if known."""
    site_url = str(context.get("SITEURL", "")).rstrip("/")
    if dates is None:
        dates = last_modified(context)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    if files is None:
        files = (page.relative_to(output).as_posix() for page in output.rglob("*.html"))
    html = (name for name in files if name.endswith(".html"))
    for relative in sorted(html, key=lambda name: name.split("/")):  # as Path objects sort
        if relative in EXCLUDED or relative.startswith((".", "_")):
            continue
        if _noindex(output, relative, fresh, served):
            continue
        lines.append(f"  <url><loc>{escape(page_url(site_url, relative))}</loc>")
        if relative in dates:
            lines[-1] += f"<lastmod>{dates[relative]}</lastmod>"
        lines[-1] += "</url>"
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(context: Mapping[str, Any]) -> str:
    site_url = str(context.get("SITEURL", "")).rstrip("/")
    return f"User-agent: *\nAllow: /\nDisallow: /_data/\n\nSitemap: {site_url}/sitemap.xml\n"


def write_site_files(
    context: Mapping[str, Any],
    output: Path,
    files: Iterable[str] | None = None,
    fresh: Container[str] | None = None,
    previous: Path | None = None,
    served: Path | None = None,
    dates: Mapping[str, str] | None = None,
) -> list[str]:
    """Write sitemap.xml and robots.txt; returns their names (relative to ``output``).
    Each is linked from the ``previous`` output when its bytes did not change."""
    texts = {
        "sitemap.xml": sitemap_xml(context, output, files, fresh, served, dates),
        "robots.txt": robots_txt(context),
    }
    for name, text in texts.items():
        write_or_link(output / name, text.encode(), previous / name if previous else None)
    return list(texts)
