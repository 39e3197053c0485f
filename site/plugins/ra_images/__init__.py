"""Responsive images: resized AVIF/WebP beside each content image, ``<picture>`` markup.

- every raster image under the content folder's ``STATIC_PATHS`` gets files at the widths of
  ``slots.LADDER`` it is wider than (``images/x.800w.webp``), made once and kept in a cache
  by content hash (``RA_IMAGE_CACHE``, default ``.cache/images`` in the repository);
- templates call ``picture(path, alt, slot)``; Markdown bodies are rewritten by
  ``Catalogue.rewrite_body`` (through the theme's ``body`` filter);
- a source narrower than its widest slot is a warning naming the file and field (one
  summary line naming the images when there are many).

The derived files are written in ``finalized`` for every image, whatever pages this build
rendered, so pages an incremental build reuses still find theirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ra_images.check import check_galleries, gallery_entries, narrow_warnings, too_narrow
from ra_images.derive import cached_files, jobs_for, place, probe
from ra_images.markup import Catalogue
from ra_images.slots import SLOTS, derived_widths

__all__ = ["SLOTS", "Catalogue", "catalogue", "gallery_entries", "register"]

REPO = Path(__file__).resolve().parents[3]
_state: dict[str, Catalogue] = {}
_ready: dict[str, dict[Any, Path]] = {}  # output folder -> derived files to place there


def cache_folder() -> Path:
    return Path(os.environ.get("RA_IMAGE_CACHE") or REPO / ".cache" / "images")


def catalogue(settings: dict[str, Any]) -> Catalogue:
    """This build's catalogue (one per content folder and site URL)."""
    key = f"{settings['PATH']}|{settings.get('SITEURL', '')}|{settings['THEME']}"
    found = _state.get(key)
    if found is None:
        found = Catalogue(
            Path(settings["PATH"]),
            Path(settings["THEME"]) / "static",
            str(settings.get("SITEURL", "")).rstrip("/"),
        )
        _state[key] = found
    return found


def _on_generator_init(generator: Any) -> None:
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["picture"] = catalogue(generator.settings).picture
        env.filters["gallery"] = gallery_entries


def _content(context: dict[str, Any]) -> list[Any]:
    return [
        c
        for c in context.get("generated_content", {}).values()
        if c is not None and getattr(c, "status", "published") == "published"
    ]


def _on_all_generators_finalized(generators: Any) -> None:
    """Before any page is written: make (or find) every derived file, so the pages only
    offer files that exist; then warn about sources too narrow for their slots."""
    if not generators:
        return
    settings, context = generators[0].settings, generators[0].context
    images = catalogue(settings)
    jobs = [job for s in sources(settings) for job in jobs_for(s, derived_widths(s.width))]
    files, broken = cached_files(jobs, cache_folder())
    images.broken = {source.name: reason for source, reason in broken.items()}
    _ready[str(settings["OUTPUT_PATH"])] = files
    for name, reason in sorted(images.broken.items()):
        print(f"warning: {name}: cannot be decoded ({reason}); linked as it is", file=sys.stderr)
    contents = _content(context)
    check_galleries(context, images, contents)
    for line in narrow_warnings(too_narrow(context, images, contents)):
        print(f"warning: {line}", file=sys.stderr)


def sources(settings: dict[str, Any]) -> list[Any]:
    """Every raster image under the content folder's static paths."""
    root = Path(settings["PATH"])
    found = []
    for static in settings.get("STATIC_PATHS", []):
        folder = root / static
        files = sorted(folder.rglob("*")) if folder.is_dir() else [folder]
        for path in files:
            if path.is_file():
                source = probe(path, path.relative_to(root).as_posix())
                if source is not None:
                    found.append(source)
    return found


def _on_finalized(pelican: Any) -> None:
    """After the pages: put the derived files (all of them, every build) into the output."""
    output = Path(pelican.settings["OUTPUT_PATH"])
    for job, cached in _ready.pop(str(output), {}).items():
        place(cached, output / job.source.derived_name(job.width, job.fmt))


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(_on_generator_init)
    signals.all_generators_finalized.connect(_on_all_generators_finalized)
    signals.finalized.connect(_on_finalized)
