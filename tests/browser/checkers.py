"""Independent checkers the page tests run: axe-core (npm) in the page, the W3C Nu validator
(npm ``vnu-jar`` on Debian's Java), and what a page costs a phone over a CDN (brotli).

The npm packages live in ``node_modules`` (``npm ci`` from package-lock.json; ``.ci/run`` and
``make test`` install them). A missing checker skips locally and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO_ROOT

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_OPTIONS = ("--errors-only", "--format", "json", "--skip-non-html")


def require(path: Path, what: str) -> Path:
    """``path`` if it exists; else fail in CI (it must be installed there) or skip."""
    if path.exists():
        return path
    message = f"{path} is missing ({what})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must install it (.ci/run)")
    pytest.skip(message)


def java() -> str:
    found = Path(shutil.which("java") or "/usr/bin/java")
    return str(require(found, "apt-get install default-jre-headless"))


def axe_violations(page: Any) -> list[str]:
    """Run axe-core in ``page``; one line per violation and element."""
    page.add_script_tag(path=str(require(AXE, "npm ci")))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def vnu_errors(folder: Path) -> list[str]:
    """Every error the Nu validator reports on the HTML files under ``folder``."""
    jar = require(VNU, "npm ci")
    done = subprocess.run(
        [java(), "-Xss4m", "-jar", str(jar), *VNU_OPTIONS, str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(folder)}:{m.get('lastLine', '?')}: "
        f"{m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def fetched_bytes(site: Path, site_url: str, url: str, raw_size: int) -> int:
    """What a response costs from the CDN: the ``.br`` beside a file when there is one (the
    CDN serves it to any browser that asks, as Chromium does), else the file itself."""
    if not url.startswith(site_url):
        return raw_size
    path = urlsplit(url).path.lstrip("/")
    file = site / (path + "index.html" if not path or path.endswith("/") else path)
    brotli = file.with_name(file.name + ".br")
    if brotli.is_file():
        return brotli.stat().st_size
    return file.stat().st_size if file.is_file() else raw_size
