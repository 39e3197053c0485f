"""Template filters and globals.

- ``pretty_url``: ``blog/index.html`` -> ``blog/`` (for canonical URLs from ``output_file``).
- ``jsonld``: a dict as JSON safe to put inside ``<script type="application/ld+json">``
  (``None`` values dropped, ``<``/``>``/``&`` escaped so the HTML parser never sees a tag).
- ``jsonld_person``: an author name as a schema.org Person.
- ``image_size``: ``"images/x.png"`` (a path inside the content folder or the theme's
  static folder) -> ``(width, height)`` or None.
- ``RA_SCRIPTS`` (global): the theme's ``static/js/*.js`` files, so a new script is loaded by
  every page just by existing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup
from ra_core import script_safe

from ra_theme.images import Size, image_size


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


FILTERS = {"pretty_url": pretty_url, "jsonld": jsonld, "jsonld_person": jsonld_person}


def theme_scripts(theme: str) -> list[str]:
    folder = Path(theme) / "static" / "js"
    return sorted(p.name for p in folder.glob("*.js")) if folder.is_dir() else []


def image_size_filter(settings: dict[str, Any], theme: str) -> Any:
    """``image_size`` bound to this build's content folder and theme."""
    roots = [Path(settings["PATH"]), Path(theme) / "static"]

    def size(path: str | None) -> Size | None:
        if not path:
            return None
        relative = str(path).lstrip("/").removeprefix("theme/")
        for root in roots:
            found = image_size(root / relative)
            if found:
                return found
        return None

    return size


def add_to_environment(generator: Any) -> None:
    env = getattr(generator, "env", None)
    if env is None:
        return
    env.filters.update(FILTERS)
    env.filters["image_size"] = image_size_filter(generator.settings, generator.theme)
    env.globals.setdefault("RA_SCRIPTS", theme_scripts(generator.theme))
