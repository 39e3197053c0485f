"""``make import-ghost FILE=export.json [IMAGES=dir] [GHOST_URL=url]``: a Ghost blog into content/.

Posts go to ``blog/<slug>.md``, pages to ``pages/<slug>.md``, with title, dates, tags (not
Ghost's internal ``#`` tags), authors, summary, feature image and alt text, and status
(scheduled posts keep their future date, which holds them back until it comes). Members-only
and paid posts come in as drafts: a static page would give them to everyone.

The whole export is read and every file planned before anything is written: a malformed
export, or a file that exists with other content, refuses the import and writes nothing.
Running it again writes nothing (every file is already as planned).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from editor_tools._errors import EditorError
from editor_tools._paths import use_site_code
from editor_tools.ghost._convert import Rewriter, to_markdown
from editor_tools.ghost._export import GhostPost, read_posts

__all__ = ["import_ghost", "run"]

LOCAL = ZoneInfo("Europe/London")  # the site's TIMEZONE: front-matter dates are local
FOLDERS = {"post": "blog", "page": "pages"}


@dataclass(frozen=True)
class Plan:
    files: dict[Path, str]
    """content file -> its text"""
    copies: dict[Path, Path]
    """Ghost image -> where it goes"""
    kept: tuple[str, ...]
    notes: tuple[str, ...]


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _front_matter(post: GhostPost, image: str | None, notes: list[str]) -> list[str]:
    date = post.published_at or post.created_at
    lines = [f"Title: {_one_line(post.title)}", f"Date: {_local(date)}"]
    if post.updated_at and post.updated_at > date:
        lines.append(f"Modified: {_local(post.updated_at)}")
    if post.kind == "post" and post.tags:
        lines.append("Tags: " + ", ".join(t.replace(",", " ") for t in post.tags))
    if post.authors:
        lines.append("Authors: " + ", ".join(a.replace(",", " ") for a in post.authors))
    if post.excerpt:
        lines.append(f"Summary: {_one_line(post.excerpt)}")
    if image:
        lines.append(f"Image: {image}")
        alt = post.feature_image_alt or post.feature_image_caption or post.title
        if not post.feature_image_alt:
            notes.append(f"{post.slug}: the feature image has no alt text in Ghost; "
                         "the caption or title stands in: check it")  # fmt: skip
        lines.append(f"Image_alt: {_one_line(alt)}")
    if post.visibility != "public":
        notes.append(f"{post.slug}: {post.visibility}-only in Ghost: imported as a draft")
        lines.append("Status: draft")
    elif post.status == "draft":
        lines.append("Status: draft")
    return lines


def plan_import(posts: list[GhostPost], content: Path, rewriter: Rewriter) -> Plan:
    """Every file's text, the images to copy and the links kept; nothing written."""
    files: dict[Path, str] = {}
    notes: list[str] = []
    for post in posts:
        body = to_markdown(post.html, rewriter)
        image = rewriter.image_file(post.feature_image) if post.feature_image else None
        if post.feature_image and image is None:  # not copied: shown as a linked picture
            alt = post.feature_image_alt or post.title
            body = f"![{_one_line(alt)}]({rewriter.image(post.feature_image)})\n\n" + body
        head = _front_matter(post, image, notes)
        files[content / FOLDERS[post.kind] / f"{post.slug}.md"] = "\n".join(head) + "\n\n" + body
    copies = {source: content / target for source, target in rewriter.copies.items()}
    return Plan(files, copies, tuple(sorted(rewriter.kept)), tuple(notes))


def _clashes(plan: Plan) -> list[str]:
    clashes = [
        str(path)
        for path, text in plan.files.items()
        if path.exists() and path.read_text(encoding="utf-8") != text
    ]
    clashes += [
        str(target)
        for source, target in plan.copies.items()
        if target.exists() and target.read_bytes() != source.read_bytes()
    ]
    return clashes


def import_ghost(
    file: Path, content: Path, images: Path | None, ghost_url: str = ""
) -> tuple[Plan, int]:
    """Read, plan, refuse on any clash, then write; (the plan, files written or copied)."""
    if not content.is_dir():
        raise EditorError(f"{content}: content folder not found")
    if images is not None and not images.is_dir():
        raise EditorError(f"IMAGES: {images} is not a folder (Ghost's content/images)")
    posts = read_posts(file)
    targets = {p.slug: f"{{filename}}/{FOLDERS[p.kind]}/{p.slug}.md" for p in posts}
    plan = plan_import(posts, content, Rewriter(targets, images, ghost_url))
    clashes = _clashes(plan)
    if clashes:
        raise EditorError(
            f"{clashes[0]}: exists with other content (edited since the import, or another "
            f"file with that slug); nothing was imported ({len(clashes)} such files)"
        )
    written = 0
    for path, text in plan.files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    for source, target in plan.copies.items():
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written += 1
    return plan, written


def run(file: Path, content: Path, images: Path | None, ghost_url: str = "") -> int:
    use_site_code()
    from ra_core import plural

    print(f"Reading {file}", flush=True)
    plan, written = import_ghost(file, content, images, ghost_url)
    total = len(plan.files) + len(plan.copies)
    print(
        f"{len(plan.files)} posts and pages, {len(plan.copies)} images: "
        f"{written} files written, {total - written} unchanged"
    )
    for note in plan.notes:
        print(f"note: {note}")
    if plan.kept:
        where = ghost_url or "the old site (give GHOST_URL=https://… or IMAGES=…/content/images)"
        print(f"{plural(len(plan.kept), 'image')} not copied, linked to {where}:")
        for url in plan.kept:
            print(f"  {url}")
    sys.stdout.flush()
    return 0
