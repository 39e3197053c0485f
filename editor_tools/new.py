"""``make new-post|new-event|new-product TITLE="…"``: a content file with every field.

The file is named after the title's slug (the slug is the stable id, see content/README.md),
holds every field the build and ``make check`` want, with placeholders and today's date, and
starts as a draft so nothing goes live by accident. A slug already used in that folder (as a
file name or a ``Slug:`` line) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pelican.utils import slugify

from editor_tools._errors import EditorError

FOLDERS = {"post": "blog", "event": "events", "product": "market"}
_SLUG_LINE = re.compile(r"^slug:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
# Pelican's default SLUG_REGEX_SUBSTITUTIONS, the ones the site uses
_SLUG_SUBS = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]


def slug_for(title: str) -> str:
    """The slug Pelican would make of ``title`` (ASCII, lower case, hyphens)."""
    slug = slugify(title, regex_subs=_SLUG_SUBS)
    if not slug:
        raise EditorError(f"TITLE: {title!r} has no letters or digits to make a file name from")
    return slug


def used_slugs(folder: Path) -> dict[str, Path]:
    """Slug -> file for every Markdown file in ``folder`` (file name, or its ``Slug:`` line)."""
    used: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        if path.name.upper().startswith("README"):
            continue
        used[path.stem] = path
        head = path.read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
        match = _SLUG_LINE.search(head)
        if match:
            used[match.group(1)] = path
    return used


def _post(title: str, slug: str, now: datetime) -> str:
    return f"""Title: {title}
Date: {now:%Y-%m-%d %H:%M}
Status: draft
Category: news
Tags: news
Authors: Rose Ash Cooperative
Summary: One or two sentences that say what this post is about.

Write the post here. Link to other pages by their file, e.g.
[about us]({{filename}}/pages/about.md); pictures need alt text:
![What the picture shows]({{static}}/images/example.png).
"""


def _event(title: str, slug: str, now: datetime) -> str:
    return f"""title: {title}
date: {now:%Y-%m-%d %H:%M}
start: {now:%Y-%m-%d} 10:00
end: {now:%Y-%m-%d} 12:00
timezone: Europe/London
venue: Rose Ash Orchard | Long Lane | Dartington | TQ9 6AB | GB
tickets: general | General admission | 0 | GBP | 30
tags: events
summary: One or two sentences that say what happens and who it is for.
status: draft

Describe the event here: what to bring, how to get there, who to ask.
"""


def _product(title: str, slug: str, now: datetime) -> str:
    return f"""Title: {title}
Slug: {slug}
Date: {now:%Y-%m-%d %H:%M}
Price: 100
Currency: GBP
Stock: 0
Category: general
Summary: One sentence that says what it is.
Status: draft

Describe the product here: what it is made of, its size, how to look after it.
"""


TEMPLATES: dict[str, Callable[[str, str, datetime], str]] = {
    "post": _post,
    "event": _event,
    "product": _product,
}


def new_content(content: Path, kind: str, title: str, now: datetime | None = None) -> Path:
    """Write the new file and return its path; refuse an empty title or a used slug."""
    title = " ".join(title.split())
    if not title:
        raise EditorError(f'TITLE: missing; e.g. make new-{kind} TITLE="Apple day 2027"')
    if not content.is_dir():
        raise EditorError(f"{content}: content folder not found")
    slug = slug_for(title)
    folder = content / FOLDERS[kind]
    clash = used_slugs(folder).get(slug)
    if clash is not None:
        raise EditorError(f"TITLE: the slug {slug!r} is already used by {clash}; choose another")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    text = TEMPLATES[kind](title, slug, now or datetime.now())
    with path.open("x", encoding="utf-8") as handle:  # never overwrite
        handle.write(text)
    return path


__all__ = ["FOLDERS", "new_content", "slug_for", "used_slugs"]
