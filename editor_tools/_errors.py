"""The one error type the command line turns into one ``error: …`` line and exit 1."""

from __future__ import annotations


class EditorError(Exception):
    """Something the editor can fix (a bad title, a malformed export, a failed step)."""
