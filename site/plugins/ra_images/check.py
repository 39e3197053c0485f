"""Warnings (never errors) for sources too narrow for their widest slot, and gallery rules.

An editor gets one line per image and field, ``content/blog/x.md: image: images/x.png is
240 px wide; the lead slot shows it up to 1600 px wide``, and the build still succeeds: a
soft picture is better than no post. Past ``LINE_LIMIT`` such uses (a site whose images are
all small, like the benchmark's 8 px ones: thousands of lines that hid everything else) they
become one line naming each narrow image, its width and how often it is used: the fix is
the same, a wider source. A gallery entry without alt text is a content error, like any
other image without one.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from ra_core import ContentError, html_tags, plural, report_error, source_label

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


@dataclass(frozen=True, order=True)
class NarrowUse:
    """One place (file and field) that shows an image in a slot wider than the image."""

    label: str
    field: str
    name: str
    width: int
    slot: str
    largest: int

    def line(self) -> str:
        return (
            f"{self.label}: {self.field}: {self.name} is {self.width} px wide; the {self.slot} "
            f"slot shows it up to {self.largest} px wide"
        )


#: up to this many narrow uses get a line each; more become one summary line
LINE_LIMIT = 10
#: images named in the summary line (the narrowest first)
SUMMARY_IMAGES = 8


def too_narrow(
    context: MutableMapping[str, Any], catalogue: Catalogue, contents: list[Any]
) -> list[NarrowUse]:
    """Every (file, field, image) whose source is narrower than its slot, sorted."""
    uses: set[NarrowUse] = set()
    for content in contents:
        label = source_label(context, content.source_path)
        for field, name, slot_name in used_images(content, catalogue.site_url):
            source = catalogue.source(name)
            slot = SLOTS[slot_name]
            if source is not None and source.width < slot.largest:
                uses.add(NarrowUse(label, field, name, source.width, slot_name, slot.largest))
    return sorted(uses)


def narrow_warnings(uses: list[NarrowUse]) -> list[str]:
    """A line per use, or past ``LINE_LIMIT`` one line naming the images (narrowest first)
    with the slot, the number of uses and the first file of each."""
    if len(uses) <= LINE_LIMIT:
        return [use.line() for use in uses]
    by_image: dict[str, list[NarrowUse]] = {}
    for use in uses:
        by_image.setdefault(use.name, []).append(use)
    ordered = sorted(by_image.values(), key=lambda group: (group[0].width, group[0].name))
    named = []
    for group in ordered[:SUMMARY_IMAGES]:
        first, widest = group[0], max(group, key=lambda use: use.largest)
        named.append(
            f"{first.name} ({first.width} px; up to {widest.largest} px in the {widest.slot} "
            f"slot; {plural(len(group), 'use')}, e.g. {first.label}: {first.field})"
        )
    more = len(ordered) - SUMMARY_IMAGES
    rest = f"; and {plural(more, 'more image')}" if more > 0 else ""
    return [
        f"{plural(len(ordered), 'image')} narrower than the slots that show them, in "
        f"{plural(len(uses), 'place')} (they show soft): {'; '.join(named)}{rest}"
    ]


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
