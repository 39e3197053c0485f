"""make preview in Chromium: the open page reloads itself after a save, a content error shows
as a banner over the last good build, a draft is marked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.editor.preview_process import Preview


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, Path]]:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    running = Preview(content, tmp_path / "preview")
    try:
        running.wait_for_line("Built ")
        yield running, content
    finally:
        running.stop()


def test_the_open_page_follows_the_edits(
    preview: tuple[Preview, Path], page: Any, tmp_path: Path
) -> None:
    running, content = preview
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{running.url}/blog/2026/bees-arrive/")
    banner = page.locator("#ra-preview")
    banner.wait_for()
    post = content / "blog" / "bees-arrive.md"

    post.write_text(post.read_text() + "\nThe queen was seen on Tuesday.\n")
    page.get_by_text("The queen was seen on Tuesday.").wait_for()  # reloaded by itself

    post.write_text(post.read_text().replace("Tags:", "Tgas:"))
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Build failed: 1 error" in alert.inner_text()
    assert "bees-arrive.md: tgas: unknown key; did you mean 'tags'?" in alert.inner_text()
    assert page.get_by_text("The queen was seen on Tuesday.").is_visible()  # last good build
    page.screenshot(path=str(tmp_path / "preview-error-390.png"), full_page=False)

    post.write_text(post.read_text().replace("Tgas:", "Tags:").replace("Tuesday", "Friday"))
    page.get_by_text("The queen was seen on Friday.").wait_for()
    assert page.get_by_role("alert").count() == 0

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{running.url}/drafts/next-years-plans/")
    marker = page.locator("#ra-preview")
    marker.wait_for()
    assert marker.inner_text().startswith("Draft: only the preview shows this page")
    page.screenshot(path=str(tmp_path / "preview-draft-1280.png"), full_page=False)
