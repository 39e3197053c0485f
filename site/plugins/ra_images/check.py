"""Warnings (never errors) for sources too narrow for their widest slot, and gallery rules.

An editor gets one line per image and field, ``content/blog/x.md: image: images/x.png is
240 px wide; the lead slot shows it up to 1600 px wide``, and the build still succeeds: a
soft picture is better than no post. A gallery entry without alt text is a content error,
like any other image without one.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from ra_core import ContentError, html_tags, report_error, source_label

from ra_images.markup import Catalogue
from ra_images.slots import SLOTS

#: The slot of each content kind's ``image`` field (the widest place it appears).
IMAGE_SLOT = {"Article": "lead", "Page": "lead", "Event": "lead", "Product": "product"}


def gallery_entries(value: Any) -> list[tuple[str, str]]:
    """``images/a.png = alt text; images/b.png = more alt`` -> [(path, alt), ...]."""
    entries = []
    for part in str(value or "").split(";"):
        if part.strip():
            path, _, alt = part.partition("=")
            entries.append((path.strip(), alt.strip()))
    return entries


def used_images(content: Any, site_url: str) -> Iterator[tuple[str, str, str]]:
    """(field, image path, slot) of every image a content object shows."""
    kind = type(content).__name__
    meta = getattr(content, "metadata", {}) or {}
    image = meta.get("image")
    if image and kind in IMAGE_SLOT:
        yield "image", str(image), IMAGE_SLOT[kind]
    for path, _ in gallery_entries(meta.get("gallery")):
        yield "gallery", path, "product"
    prefix = site_url.rstrip("/") + "/"
    for src, _ in html_tags(getattr(content, "content", "") or "").images:
        if src.startswith(prefix):
            yield "body", src[len(prefix) :], "body"


def too_narrow(
    context: MutableMapping[str, Any], catalogue: Catalogue, contents: list[Any]
) -> list[str]:
    """One warning line per (file, field, image) whose source is narrower than its slot."""
    lines: set[str] = set()
    for content in contents:
        label = source_label(context, content.source_path)
        for field, name, slot_name in used_images(content, catalogue.site_url):
            source = catalogue.source(name)
            slot = SLOTS[slot_name]
            if source is not None and source.width < slot.largest:
                lines.add(
                    f"{label}: {field}: {name} is {source.width} px wide; the {slot_name} "
                    f"slot shows it up to {slot.largest} px wide"
                )
    return sorted(lines)


def check_galleries(
    context: MutableMapping[str, Any], catalogue: Catalogue, contents: list[Any]
) -> None:
    """Each gallery entry names an existing picture and says what it shows."""
    for content in contents:
        meta = getattr(content, "metadata", {}) or {}
        for path, alt in gallery_entries(meta.get("gallery")):
            label = source_label(context, content.source_path)
            if not (catalogue.content_root / path).is_file():
                report_error(context, ContentError(label, "gallery", f"{path} does not exist"))
            if not alt:
                report_error(context, ContentError(label, "gallery", f"{path} has no alt text"))
