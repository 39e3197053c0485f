"""Fixtures for the static site: the sample site built once per session, and a CLI runner.

Builds run the real command line (``python site/build_site.py``) in a subprocess, the way
``make build`` does, so exit status, stderr lines and the folder swap are what a user gets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

BUILD_SCRIPT = REPO_ROOT / "site" / "build_site.py"
SAMPLE_CONTENT = REPO_ROOT / "content"
SITE_URL = "https://rose-ash.example.coop"


@dataclass(frozen=True)
class BuildRun:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def error_lines(self) -> list[str]:
        return [
            line for line in self.stderr.splitlines() if line.strip() and line not in self.warnings
        ]

    @property
    def warnings(self) -> list[str]:
        """Lines that do not fail the build (an image too narrow for its slot, ...)."""
        return [line for line in self.stderr.splitlines() if line.startswith("warning: ")]


def run_build(
    content: str | Path,
    output: str | Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> BuildRun:
    """Run the build CLI; ``content``/``output`` may be relative to ``cwd`` (as a user types)."""
    environment = {**os.environ, "SITE_URL": SITE_URL, **(env or {})}
    environment.pop("RA_DISABLE_PLUGINS", None)
    proc = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--content", str(content), "--output", str(output)],
        cwd=cwd or REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = Path(output) if Path(output).is_absolute() else (cwd or REPO_ROOT) / output
    return BuildRun(proc.returncode, proc.stdout, proc.stderr, out)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildRun:
    """The sample content/ built once into a temporary folder (shared by all static tests)."""
    out = tmp_path_factory.mktemp("sample") / "build"
    run = run_build(SAMPLE_CONTENT, out)
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def sample_site(sample_build: BuildRun) -> Path:
    """The folder the sample site was built into."""
    return sample_build.output
