"""Helpers for the editors' commands: run them as a user does, on a copy of fixture content."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SAMPLE_CONTENT = REPO_ROOT / "content"
SITE_URL = "https://rose-ash.example.coop"


def editor(
    *args: str | Path,
    content: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``python -m editor_tools --content CONTENT ARGS`` with the sample's site URL."""
    environment = {**os.environ, "SITE_URL": SITE_URL, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "editor_tools", "--content", str(content), *map(str, args)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content that a test may change."""
    copy = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a content file (which must be there) by ``new``."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def port_is_free(port: int) -> bool:
    """Nothing listens on ``port`` and a new server can bind it (as servers do, with
    SO_REUSEADDR: the closed connections' TIME_WAIT does not count)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
