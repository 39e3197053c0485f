"""make new-post / new-event / new-product: a complete, correctly named draft that builds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.editor.conftest import editor
from tests.static.conftest import run_build


def test_make_new_post_writes_a_named_draft_that_builds(content: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "new-post", f"CONTENT={content}",
         """TITLE=It's "here": the apple harvest!"""],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path == content / "blog" / "its-here-the-apple-harvest.md"
    text = path.read_text()
    assert text.startswith("""Title: It's "here": the apple harvest!\n""")
    for field in ("Date:", "Summary:", "Tags:", "Category:", "Authors:", "Status: draft"):
        assert field in text
    build = run_build(content, tmp_path / "out")
    assert build.returncode == 0, build.stderr
    assert not (tmp_path / "out" / "blog").joinpath("its-here-the-apple-harvest").exists()


@pytest.mark.parametrize(("kind", "folder"), [("event", "events"), ("product", "market")])
def test_new_event_and_product_have_their_fields_and_build(
    content: Path, tmp_path: Path, kind: str, folder: str
) -> None:
    done = editor("new", kind, "--title", "Quince day 2030", content=content)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path == content / folder / "quince-day-2030.md"
    fields = {
        "event": ("start:", "end:", "venue:", "tickets:", "summary:"),
        "product": ("Price:", "Currency:", "Stock:", "Summary:", "Slug: quince-day-2030"),
    }
    for field in fields[kind]:
        assert field in path.read_text()
    build = run_build(content, tmp_path / "out")
    assert build.returncode == 0, build.stderr


def test_a_title_whose_slug_is_taken_is_refused_and_nothing_written(content: Path) -> None:
    before = sorted(p.name for p in (content / "market").iterdir())
    done = editor("new", "product", "--title", "Cherry  Spoon", content=content)
    assert done.returncode == 1
    assert "cherry-spoon" in done.stderr and "already used" in done.stderr
    assert sorted(p.name for p in (content / "market").iterdir()) == before


def test_an_empty_title_is_refused(content: Path) -> None:
    done = editor("new", "post", "--title", "  ", content=content)
    assert done.returncode == 1
    assert done.stderr.strip() == 'error: TITLE: missing; e.g. make new-post TITLE="Apple day 2027"'
