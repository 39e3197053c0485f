"""Checks over all read content: duplicate slugs, images without alt text, dead links.

Slugs are checked here for posts and pages (products in ra_market, events in ra_events);
images for posts, pages and products; internal links in every content object of the build,
whatever plugin made it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, MutableMapping
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from ra_core import ContentError, Tags, edited_content, html_tags, report_error, source_label

Context = MutableMapping[str, Any]
_CHECKED_KINDS = ("Article", "Page")  # slugs: products are checked by ra_market
_IMAGE_KINDS = ("Article", "Page", "Product")  # events check their own images


def parse_html(html: str) -> Tags:
    """The images and links of a body (shared with other plugins, parsed once per build)."""
    return html_tags(html or "")


def all_content(context: Context) -> list[Any]:
    """Every content object any generator read (published, draft or hidden)."""
    return [c for c in context.get("generated_content", {}).values() if c is not None]


def _kind(content: Any) -> str:
    return type(content).__name__


def _label(context: Context, content: Any) -> str:
    return source_label(context, content.source_path)


def check_duplicate_slugs(context: Context, contents: Iterable[Any]) -> None:
    """Two posts (or two pages) with the same slug would overwrite each other's page and id."""
    by_slug: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for content in contents:
        if _kind(content) in _CHECKED_KINDS and getattr(content, "slug", None):
            by_slug[(_kind(content), content.slug)].append(content)
    for (_, slug), same in by_slug.items():
        if len(same) < 2:
            continue
        same.sort(key=lambda c: _label(context, c))
        first = _label(context, same[0])
        for index, duplicate in enumerate(same[1:], start=1):
            label = _label(context, duplicate)
            report_error(
                context, ContentError(label, "slug", f"{slug!r} is already used by {first}")
            )
            # The build fails anyway; write the duplicate aside so Pelican does not stop on the
            # clash before every other error (links, images) has been found.
            duplicate.override_save_as = f"_duplicates/{slug}-{index}/index.html"
            duplicate.override_url = f"_duplicates/{slug}-{index}/"


def image_file(context: Context, value: str) -> Path | None:
    """The file in the content folder an ``image:`` value names (``images/x.png``,
    ``{static}/images/x.png`` or ``/images/x.png``), or None for an external URL."""
    value = value.strip()
    if "://" in value or value.startswith("//"):
        return None
    if value.startswith("{") and "}" in value:
        value = value.split("}", 1)[1]
    return Path(str(context.get("PATH", "."))) / unquote(value.lstrip("/"))


def check_images(context: Context, content: Any) -> None:
    """Every image needs alt text: in the Markdown body and as ``image`` + ``image_alt``;
    the ``image`` file must exist."""
    label = _label(context, content)
    for src, alt in parse_html(getattr(content, "content", "") or "").images:
        if not (alt or "").strip():
            report_error(context, ContentError(label, "image", f"{src} has no alt text"))
    image = content.metadata.get("image")
    if image and not str(content.metadata.get("image_alt", "")).strip():
        report_error(context, ContentError(label, "image_alt", f"missing for image {image}"))
    missing_image_file(context, content)


def missing_image_file(context: Context, content: Any) -> None:
    """``image:`` names a file that is not in the content folder."""
    image = content.metadata.get("image")
    file = image_file(context, str(image)) if image else None
    if file is not None and not file.is_file():
        report_error(context, ContentError(_label(context, content), "image", f"{image} not found"))


def check_content(generators: Any) -> None:
    """all_generators_finalized: slug and image checks over posts and pages (after a
    body-only edit in a resident process, image checks of the edited content alone: slugs
    are front matter)."""
    if not generators:
        return
    context = generators[0].context
    contents = edited_content(context)
    if contents is None:
        contents = all_content(context)
        check_duplicate_slugs(context, contents)
    for content in contents:
        if _kind(content) in _IMAGE_KINDS:
            check_images(context, content)
        elif content.metadata.get("image"):
            missing_image_file(context, content)


def url_to_file(url: str, page_url: str, site_url: str, output: Path) -> Path | None:
    """The output file an internal link points at, or None for an external link."""
    if url.startswith(("mailto:", "tel:", "data:", "javascript:", "#")):
        return None
    base = f"{site_url.rstrip('/')}/{page_url}"
    absolute = urljoin(base, url)
    site = urlsplit(site_url)
    target = urlsplit(absolute)
    if (target.scheme, target.netloc) != (site.scheme, site.netloc):
        return None
    path = unquote(target.path)
    prefix = site.path.rstrip("/")
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :]
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return output / relative


def link_exists(file: Path) -> bool:
    return file.is_file() or (file / "index.html").is_file()


def _failed_urls(context: Context, site_url: str) -> set[str]:
    """URLs of content that has errors of its own: a link to one is not reported again
    against the linking file (the editor fixes the target, and the link works)."""
    failed = {error.source for error in context.get("ra_content_errors", [])}
    urls: set[str] = set()
    if not failed:
        return urls
    for content in all_content(context):
        if _label(context, content) in failed:
            with suppress(Exception):  # an invalid file may not even have a URL
                url = str(content.url)
                urls.update({url, f"{site_url.rstrip('/')}/{url}"})
    return urls


def check_internal_links(
    context: Context,
    output: Path,
    only: Iterable[Any] | None = None,
    served: Path | None = None,
) -> None:
    """After writing: a link or image in any content body to a file of this site that does
    not exist (``{static}``/``{filename}`` targets Pelican could not find included).
    ``only``: the content to check (a rebuild that removed no file: the edited content);
    ``served``: where the files ``output`` lacks are (a rebuild writing only its changes)."""
    site_url = str(context.get("SITEURL", ""))
    failed = _failed_urls(context, site_url)
    for content in all_content(context) if only is None else only:
        if getattr(content, "status", "published") != "published":
            continue
        label = _label(context, content)
        tags = parse_html(getattr(content, "content", "") or "")
        targets = [("link", href) for href in tags.links]
        targets += [("image", src) for src, _ in tags.images]
        for field, href in targets:
            if "{" in href and "}" in href:  # a {filename}/{static} link Pelican could not resolve
                target = href.split("}", 1)[1]
                message = f"{target} not found" if field == "image" else f"{target} does not exist"
                report_error(context, ContentError(label, field, message))
                continue
            if href in failed:
                continue
            file = url_to_file(href, getattr(content, "url", ""), site_url, output)
            if file is not None and not link_exists(file):
                if served is not None and link_exists(served / file.relative_to(output)):
                    continue
                message = f"{href} not found" if field == "image" else f"{href} does not exist"
                report_error(context, ContentError(label, field, message))


__all__ = [
    "check_content",
    "check_duplicate_slugs",
    "check_images",
    "check_internal_links",
    "image_file",
    "link_exists",
    "url_to_file",
]
