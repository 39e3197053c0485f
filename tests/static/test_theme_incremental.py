"""The theme's cross-page facts stay right in incremental builds: a new post changes its
neighbour's "Newer" link, and an edit-only rebuild still ships every derived image its
reused pages point at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.static.conftest import SAMPLE_CONTENT, SITE_URL, run_build
from tests.static.linkcheck import check_links

NEWEST = "blog/2026/winter-opening-hours/index.html"


def soup(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html5lib")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, folder)
    return folder


def test_a_new_post_gives_its_neighbour_a_newer_link_and_images_survive_rebuilds(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    first = run_build(content, out)
    assert first.returncode == 0, first.stderr
    assert soup(out, NEWEST).select(".post-nav a[rel='next']") == []

    (content / "blog" / "late-frost.md").write_text(
        "Title: A late frost\nDate: 2026-11-25 09:00\nTags: orchard\n\nThe blossom held.\n",
        encoding="utf-8",
    )
    second = run_build(content, out)
    assert second.returncode == 0, second.stderr
    assert "0 unchanged" not in second.stdout  # an incremental build, not a full one
    newer = soup(out, NEWEST).select(".post-nav a[rel='next']")
    assert [a["href"] for a in newer] == [f"{SITE_URL}/blog/2026/late-frost/"]
    assert check_links(out, SITE_URL) == []  # every srcset file of reused pages is there

    post = content / "blog" / "apple-harvest-2026.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    third = run_build(content, out)
    assert third.returncode == 0, third.stderr
    assert check_links(out, SITE_URL) == []
