"""Template filters and globals (autoescape is on: see ``body`` for the one way to trust HTML).

- ``pretty_url``: ``blog/index.html`` -> ``blog/`` (for canonical URLs from ``output_file``).
- ``jsonld``: a dict as JSON safe to put inside ``<script type="application/ld+json">``
  (``None`` values dropped, ``<``/``>``/``&`` escaped so the HTML parser never sees a tag).
- ``jsonld_person``: an author name as a schema.org Person.
- ``body``: a Markdown body or summary, sanitised (``sanitize.clean``) with its images made
  responsive (ra_images), marked safe. Titles, tags and names are plain text: never ``body``.
- ``reading_minutes``: minutes to read a body.
- ``follow(output_file)`` (global): the fediverse actor of the page's section, or None.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ra_images
from markupsafe import Markup
from ra_core import script_safe

from ra_theme.fediverse import Follow, follow_for, section_of
from ra_theme.reading import reading_minutes
from ra_theme.sanitize import clean


def pretty_url(output_file: str) -> str:
    if output_file == "index.html":
        return ""
    if output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def jsonld(value: Any) -> Markup:
    text = json.dumps(_drop_none(value), ensure_ascii=False, default=str)
    return Markup(script_safe(text))


def jsonld_person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": str(name)}


FILTERS = {
    "pretty_url": pretty_url,
    "jsonld": jsonld,
    "jsonld_person": jsonld_person,
    "reading_minutes": reading_minutes,
}


#: texts up to this length (summaries, short bodies: shown on many listing pages) are cleaned
#: once a build; a long body is shown on one page, and keeping every one cleaned held a copy
#: of the whole site's HTML (40 MB of the 1,000 long posts' build's peak memory)
MEMO_LIMIT = 4096


def body_filter(settings: dict[str, Any]) -> Callable[[Any], Markup]:
    """``body`` bound to this build's images."""
    images = ra_images.catalogue(settings)
    done: dict[str, Markup] = {}

    def body(html: Any) -> Markup:
        text = str(html or "")
        found = done.get(text)
        if found is None:
            found = Markup(images.rewrite_body(clean(text)))
            if len(text) <= MEMO_LIMIT:
                done[text] = found
        return found

    return body


def follow_function(settings: dict[str, Any]) -> Callable[[str], Follow | None]:
    actors = list(settings.get("RA_ACTORS", []))

    def follow(output_file: str) -> Follow | None:
        return follow_for(settings, section_of(output_file or "", actors))

    return follow


def add_to_environment(generator: Any) -> None:
    env = getattr(generator, "env", None)
    if env is None:
        return
    env.filters.update(FILTERS)
    env.filters["body"] = body_filter(generator.settings)
    env.globals["follow"] = follow_function(generator.settings)
