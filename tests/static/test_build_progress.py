"""A build on a terminal shows its progress; elsewhere it prints only the summary line."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.static.conftest import BUILD_SCRIPT, SITE_URL, run_build
from tests.static.test_incremental import make_corpus

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_a_build_on_a_terminal_draws_pages_read_and_rendered(tmp_path: Path) -> None:
    corpus = make_corpus.generate(tmp_path / "src", posts=30, events=2, products=2)
    controller, terminal = pty.openpty()
    env = {**os.environ, "SITE_URL": SITE_URL, "COLUMNS": "100"}
    env.pop("RA_DISABLE_PLUGINS", None)
    command = [sys.executable, str(BUILD_SCRIPT), "--content", str(corpus.content)]
    proc = subprocess.Popen(
        [*command, "--output", str(tmp_path / "out" / "build")],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the build closed the terminal: it has ended
            break
        if not chunk:
            break
        drawn += chunk
    stdout = proc.communicate(timeout=120)[0].decode()
    os.close(controller)
    assert proc.returncode == 0
    screen = ANSI.sub("", drawn.decode(errors="replace"))
    assert re.search(r"read .*\b36/36\b", screen)  # 30 posts, 2 events, 2 products, 2 pages
    assert re.search(r"rendered .*\d+", screen)
    assert stdout.startswith("Built ") and stdout.count("\n") == 1


def test_a_build_without_a_terminal_prints_one_summary_line(tmp_path: Path) -> None:
    corpus = make_corpus.generate(tmp_path / "src", posts=5, events=1, products=1)
    run = run_build(corpus.content, tmp_path / "out" / "build")
    assert run.returncode == 0
    assert run.stdout.startswith("Built ") and run.stdout.count("\n") == 1
    assert "rendered" not in run.stderr and "━" not in run.stderr
