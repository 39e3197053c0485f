"""Builds in this process, through the build driver's public ``build()``, again and again.

Staying resident keeps what a fresh ``make build`` pays for on every run: the interpreter,
Pelican and the plugins imported, and the build state in memory (``ra_incremental.Resident``:
input digests, parsed sources, the last build's record, Pelican's generators and context), so
an edit re-reads only the files that changed and renders only the pages that show them.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from editor_tools._paths import use_site_code

_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    errors: tuple[str, ...]
    summary: str
    seconds: float


class ResidentBuilder:
    """``build()`` builds ``content`` into ``output`` and never raises."""

    def __init__(self, content: Path, output: Path, label: str) -> None:
        use_site_code()
        import build_site
        import ra_incremental

        build_site.quiet_pelican_logs(False)
        self._driver = build_site
        self.resident = ra_incremental.Resident()
        self.content, self.output, self.label = content, output, label

    def changed(self, paths: Iterable[str]) -> None:
        """Files the watcher saw change: read again whatever their mtime and size say."""
        self.resident.forget(paths)

    def close(self) -> None:
        """Keep the build state on disk for the next preview (or build) of this output."""
        self.resident.save()

    def build(self) -> BuildResult:
        started = time.perf_counter()
        try:
            report = self._driver.build(
                self.content, self.output, content_label=self.label, resident=self.resident
            )
        except self._driver.BuildFailed as failed:
            errors = tuple(str(error) for error in failed.errors)
            return BuildResult(False, errors, "", time.perf_counter() - started)
        except Exception as exc:  # a template or plugin bug: show it, keep serving
            message = f"the build stopped: {type(exc).__name__}: {exc}"
            return BuildResult(False, (message,), "", time.perf_counter() - started)
        return BuildResult(True, (), report.summary(), time.perf_counter() - started)


def drafts(output: Path) -> tuple[tuple[str, str], ...]:
    """(title, path) of every draft page the preview build wrote under ``drafts/``."""
    found = []
    for page in sorted((output / "drafts").rglob("index.html")):
        match = _TITLE.search(page.read_bytes()[:4096])
        title = html.unescape(match.group(1).decode(errors="replace")).strip() if match else ""
        path = "/" + page.parent.relative_to(output).as_posix() + "/"
        found.append((title.rsplit(" · ", 1)[0] or path, path))
    return tuple(found)
