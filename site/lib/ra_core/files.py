"""Writing output files safely when the staging folder shares files with the last build.

The incremental build reuses unchanged files from the previous ``build/`` by hard link, so
writing into an existing file in place would also change the live site. ``write_new``
removes the name first, which gives the new content a file of its own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` as a new file (never through a shared hard link)."""
    path.unlink(missing_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def write_or_link(path: Path, data: bytes, previous: Path | None) -> None:
    """Write ``data`` to ``path``, or hard-link ``previous`` when it holds exactly these bytes
    (a link costs a fraction of creating a file; nothing writes through links, see above)."""
    if previous is not None:
        try:
            if previous.stat().st_size == len(data) and previous.read_bytes() == data:
                path.unlink(missing_ok=True)
                os.link(previous, path)
                return
        except OSError:
            pass  # no previous file, or another file system: write it
    write_new(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` under a temporary name, then rename it into place: two
    builds filling the same cache never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temp, path)
