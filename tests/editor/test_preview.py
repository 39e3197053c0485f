"""make preview: serves, rebuilds on a save, keeps the last good build on an error, shows
drafts, stops cleanly on a signal."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from editor_tools.new import new_content
from tests.conftest import REPO_ROOT
from tests.editor.conftest import port_is_free
from tests.editor.preview_process import Preview
from tests.static.conftest import run_build


@pytest.fixture
def preview(content: Path, tmp_path: Path) -> Iterator[Preview]:
    running = Preview(content, tmp_path / "preview")
    try:
        running.wait_for_line("Preview: http://127.0.0.1:")
        running.wait_for_line("Built ")
        yield running
    finally:
        running.stop()


def test_an_edit_is_rebuilt_from_that_file_and_an_error_keeps_the_last_good_build(
    preview: Preview, content: Path
) -> None:
    page = f"{preview.url}/blog/2026/bees-arrive/"
    first = httpx.get(page, timeout=10)
    assert first.status_code == 200
    assert '<script src="/__preview/live.js" data-version="1"></script></body>' in first.text
    assert first.headers["cache-control"] == "no-store"

    post = content / "blog" / "bees-arrive.md"
    post.write_text(post.read_text() + "\nThe queen was seen on Tuesday.\n")
    assert ": 1 file read, " in preview.wait_for_line("Built ")  # the rest is kept in memory
    assert "The queen was seen on Tuesday." in httpx.get(page, timeout=10).text
    assert preview.status()["version"] == 2

    post.write_text(post.read_text().replace("Tags:", "Tgas:").replace("Tuesday", "Friday"))
    error = f"{content}/blog/bees-arrive.md: tgas: unknown key; did you mean 'tags'?"
    assert preview.wait_for_line(str(content)) == error
    assert preview.wait_for_line("Build failed") == (
        "Build failed: 1 error; still serving the last good build"
    )
    status = preview.status()
    assert status["errors"] == [error] and status["version"] == 2
    assert "The queen was seen on Tuesday." in httpx.get(page, timeout=10).text


#: (title, where the preview shows it) of the drafts each test_drafts_* test starts
DRAFTS = [
    ("Secret plans", "/drafts/secret-plans/"),
    ("Secret fair", "/drafts/events/secret-fair/"),
    ("Secret jam", "/drafts/market/secret-jam/"),
]


def test_drafts_are_served_and_listed(preview: Preview, content: Path) -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "new-post", f"CONTENT={content}", "TITLE=Secret plans"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    new_content(content, "event", "Secret fair")
    new_content(content, "product", "Secret jam")
    while not all(
        {"title": title, "path": path} in preview.status()["drafts"] for title, path in DRAFTS
    ):
        preview.wait_for_line("Built ")  # the three files may land in one rebuild or more
    for title, path in DRAFTS:
        page = httpx.get(f"{preview.url}{path}", timeout=10)
        assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    events = httpx.get(f"{preview.url}/events/", timeout=10).text
    market = httpx.get(f"{preview.url}/market/", timeout=10).text
    assert "Secret fair" not in events and "Secret jam" not in market  # in no listing
    ics = httpx.get(f"{preview.url}/drafts/events/secret-fair.ics", timeout=10)
    assert ics.status_code == 200 and "SUMMARY:Secret fair" in ics.text


def test_drafts_never_reach_a_build_or_its_manifests(content: Path, tmp_path: Path) -> None:
    new_content(content, "post", "Secret plans")
    new_content(content, "event", "Secret fair")
    new_content(content, "product", "Secret jam")
    run = run_build(content, tmp_path / "build")
    assert run.returncode == 0, run.stderr
    assert not (run.output / "drafts").exists()
    found = [
        path.relative_to(run.output).as_posix()
        for path in run.output.rglob("*")
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".ics"}
        and "secret" in path.read_text(encoding="utf-8").lower()
    ]  # fmt: skip
    assert found == []  # pages, feeds, sitemap, catalog.json, activitystreams.json, calendars


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_it_and_frees_the_port(
    content: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    running = Preview(content, tmp_path / "preview")
    running.wait_for_line("Built ")
    assert running.stop(signum) == 0
    assert running.wait_for_line("preview stopped", timeout=5)
    assert not any("Traceback" in line for line in running.seen)
    assert port_is_free(running.port)


def test_a_taken_port_is_refused_with_the_reason(content: Path, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = subprocess.run(
            ["make", "--no-print-directory", "preview", f"CONTENT={content}", f"PORT={port}",
             f"OUTPUT={tmp_path / 'p'}"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert done.returncode != 0
    assert f"error: PORT: 127.0.0.1:{port} is not free" in done.stderr
