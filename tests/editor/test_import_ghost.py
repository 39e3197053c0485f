"""make import-ghost: the fixture export becomes posts and pages that build; a second run
changes nothing; a malformed export writes nothing; nothing secret comes in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.editor.conftest import editor
from tests.static.conftest import run_build

FIXTURE = Path(__file__).parent / "fixtures" / "ghost"
EXPORT = FIXTURE / "export.json"
SECRETS = ["private-mail.example", "$2a$10$", "sk_live_", "APIKEYSECRET", "SESSIONSECRET",
           "Member One", "VIP", "track()"]  # fmt: skip


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _import(content: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "import-ghost", f"CONTENT={content}", f"FILE={EXPORT}",
         *extra],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_fixture_export_imports_every_field_and_builds(content: Path, tmp_path: Path) -> None:
    done = _import(content, f"IMAGES={FIXTURE / 'images'}", "GHOST_URL=https://old.example.org")
    assert done.returncode == 0, done.stderr
    assert "6 posts and pages, 3 images: 9 files written, 0 unchanged" in done.stdout
    assert "note: members-accounts-2024: members-only in Ghost: imported as a draft" in done.stdout
    assert "  __GHOST_URL__/content/images/2025/06/missing-from-folder.jpg" in done.stdout

    post = (content / "blog" / "pressing-day-2025.md").read_text()
    head, body = post.split("\n\n", 1)
    assert head.splitlines() == [
        "Title: Pressing day 2025",
        "Date: 2025-06-30 16:35",  # 15:35 UTC is 16:35 in London in June
        "Modified: 2025-06-30 17:00",
        "Tags: Cider, Orchard",  # sort_order; the internal #newsletter tag left out
        "Authors: Sam Whitfield, Maya Okafor",
        "Summary: Four hundred litres of juice from the old orchard.",
        "Image: images/ghost/2025/06/cider-press.png",
        "Image_alt: Sam turning the cider press",
    ]
    for markdown in [
        "[the old orchard]({filename}/blog/orchard-notes.md)",
        "## How we press",
        "1. Wash the apples",
        "![The oak cider press full of pomace]({static}/images/ghost/2025/06/cider-press.png)",
        "*The press, loaded*",
        "![Volunteers at the press](https://old.example.org/content/images/2025/06/"
        "missing-from-folder.jpg)",
        "> Best juice in years. *— Sam*",
        "```text\nBrix: 12.5\n```",
        "[Apple varieties of Devon](https://apples.example.org/varieties)",
        '<div class="kg-card kg-callout-card kg-callout-card-yellow">',
        '<table class="prices"><tr><th>Size</th>',
    ]:
        assert markdown in body, markdown
    assert (content / "images/ghost/2024/11/oven.png").read_bytes() == (
        FIXTURE / "images/2024/11/oven.png"
    ).read_bytes()
    draft = (content / "blog" / "winter-bread-plans.md").read_text()
    assert "Status: draft" in draft and "Image_alt: The bread oven" in draft
    scheduled = (content / "blog" / "blossom-walk-2099.md").read_text()
    assert "Date: 2099-04-20 10:00" in scheduled and "Status" not in scheduled
    page = (content / "pages" / "visiting.md").read_text()
    assert "[our notes]({filename}/blog/orchard-notes.md)" in page

    everything = b"".join(_tree(content).values()).decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in everything, secret

    out = tmp_path / "out"
    build = run_build(content, out)
    assert build.returncode == 0, build.stderr
    page_html = (out / "blog/2025/pressing-day-2025/index.html").read_text()
    assert "Four hundred litres" in page_html or "pressing day" in page_html
    assert not (out / "blog/2025/members-accounts-2024").exists()
    assert not (out / "blog/2099").exists()  # scheduled: held back until its date

    before = _tree(content)
    again = _import(content, f"IMAGES={FIXTURE / 'images'}", "GHOST_URL=https://old.example.org")
    assert again.returncode == 0, again.stderr
    assert "0 files written, 9 unchanged" in again.stdout
    assert _tree(content) == before


def _write_export(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(EXPORT.read_text())
    change(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    return bad


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["db"][0].pop("meta"), "meta: missing; is this a Ghost export"),
        (lambda d: d["db"][0]["data"].pop("posts"), "data.posts: missing"),
        (lambda d: d["db"][0]["data"]["posts"][3].pop("slug"), "data.posts[3].slug: missing"),
        (lambda d: d["db"][0]["data"]["posts"][1].update(status="live"),
         "data.posts[1].status: 'live' is not one of published, draft, scheduled"),
        (lambda d: d["db"][0]["data"]["posts"][2].update(created_at="yesterday"),
         "data.posts[2].created_at: 'yesterday' is not a date"),
        (lambda d: d["db"][0]["data"]["posts"][0].update(html=None),
         "data.posts[0].html: missing (only lexical/mobiledoc)"),
    ],
)  # fmt: skip
def test_a_malformed_export_is_refused_with_the_reason_and_nothing_written(
    content: Path,
    tmp_path: Path,
    change,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    bad = _write_export(tmp_path, change)
    before = _tree(content)
    done = editor("import-ghost", bad, content=content)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {bad}: {reason}" or reason in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert _tree(content) == before


def test_not_json_and_an_edited_file_are_refused(content: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"db": [')
    done = editor("import-ghost", bad, content=content)
    assert done.returncode == 1 and f"error: {bad}: not a JSON file" in done.stderr

    assert editor("import-ghost", EXPORT, content=content).returncode == 0
    notes = content / "blog" / "orchard-notes.md"
    notes.write_text(notes.read_text() + "\nAn editor's addition.\n")
    before = _tree(content)
    again = editor("import-ghost", EXPORT, content=content)
    assert again.returncode == 1
    assert f"error: {notes}: exists with other content" in again.stderr
    assert _tree(content) == before
