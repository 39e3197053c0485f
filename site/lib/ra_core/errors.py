"""Content errors: every plugin reports problems here so the build can list all of them at once.

A content error is something an editor must fix in a Markdown file (a missing title, an event
that ends before it starts, ...). Plugins record them in the Pelican context instead of raising,
so one run reports every problem; the build driver prints them, one line each, and exits 1.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

CONTEXT_KEY = "ra_content_errors"


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one source file, e.g. ``content/events/fair.md: end: ... is before start``."""

    source: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.field}: {self.message}"


def report_error(context: MutableMapping[str, Any], error: ContentError) -> None:
    """Record an error in the Pelican context (duplicates are kept once)."""
    errors: list[ContentError] = context.setdefault(CONTEXT_KEY, [])
    if error not in errors:
        errors.append(error)


def content_errors(context: MutableMapping[str, Any]) -> list[ContentError]:
    """All errors recorded so far, sorted by file then field."""
    return sorted(context.get(CONTEXT_KEY, []))


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``: a count with its noun in the right number."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
