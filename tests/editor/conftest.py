"""Helpers for the editors' commands: run them as a user does, on a copy of fixture content."""

from __future__ import annotations

import os
import shutil
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
