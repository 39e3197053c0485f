"""A bounded ``schemathesis run --checks all`` against a server process on loopback: a few
examples per operation, derandomized, one worker, at most ``SECONDS`` of generation. What
it finds is each mismatch between the server and its OpenAPI document (an undocumented
status or media type, a schema-valid request refused, an invalid one accepted, a wrong
``Allow``, a 500), listed once per operation and kind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

#: Time budget of one run (one server, one database); the whole test takes about a minute.
SECONDS = 45
#: The answers schema-valid requests may also get where no schema can say why (read it).
CONFIG = REPO_ROOT / "tests" / "schemathesis.toml"


def _require_schemathesis() -> None:
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("schemathesis is not installed (it is in the dev extra)")
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")


def mismatches(base_url: str, report_dir: Path) -> tuple[list[str], str]:
    """The distinct failures of a bounded run against ``base_url``, and the run's summary."""
    _require_schemathesis()
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG),
        "run", f"{base_url}/schema/openapi.json", "--checks", "all",
        "--max-examples", "5", "--generation-deterministic", "--workers", "1",
        "--max-time", str(SECONDS), "--request-timeout", "10", "--no-color",
        "--report", "ndjson", "--report-dir", str(report_dir),
    ]  # fmt: skip
    # cwd: schemathesis keeps a cache folder (.schemathesis/) in its working directory
    report_dir.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        command, cwd=report_dir, capture_output=True, text=True, timeout=SECONDS + 120
    )
    summary = run.stdout[-4000:] + run.stderr[-2000:]
    found: set[str] = set()
    for report in report_dir.glob("*.ndjson"):
        for line in report.read_text().splitlines():
            finished = json.loads(line).get("ScenarioFinished")
            if not finished or finished.get("status") not in ("failure", "error"):
                continue
            if finished["status"] == "error":
                found.add(f"{finished['recorder']['label']}: error")
            for checks in finished["recorder"]["checks"].values():
                for check in checks:
                    if check["status"] == "failure":
                        failure = check["failure_info"]["failure"]
                        found.add(f"{failure['operation']} {failure['code']} {failure['title']}")
    if run.returncode != 0 and not found:
        found.add(f"schemathesis exited with {run.returncode}")
    return sorted(found), summary
