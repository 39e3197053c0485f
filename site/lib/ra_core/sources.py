"""How a source file is named in error lines: relative to the content folder given on the CLI.

An editor runs ``make build`` and reads ``content/blog/x.md: title: missing``; they should be
able to paste that path into their editor, so it is built from what they typed, not from an
absolute path inside a temporary build folder.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

#: Setting the driver fills with the ``--content`` argument exactly as given (e.g. ``content``).
LABEL_SETTING = "RA_CONTENT_LABEL"


def source_label(settings: Mapping[str, Any], path: str | os.PathLike[str]) -> str:
    """``content/blog/x.md`` for any path inside the content folder (absolute or relative)."""
    root, path = str(settings.get("PATH", ".")), os.fspath(path)
    label = str(settings.get(LABEL_SETTING) or "")
    if os.path.isabs(root) and os.path.isabs(path):  # the answer depends on nothing else
        return _kept_label(root, label, path)
    return _label(root, label, path)


def _label(root: str, label: str, path: str) -> str:
    label = label or os.path.basename(os.path.normpath(root))
    full = path if os.path.isabs(path) else os.path.join(root, path)
    rel = os.path.relpath(full, root)
    if rel.startswith(".."):
        return path.replace(os.sep, "/")
    return os.path.join(label, rel).replace(os.sep, "/")


#: the checks ask for the same few thousand files on every build of a resident process
_kept_label = functools.lru_cache(maxsize=1 << 16)(_label)
