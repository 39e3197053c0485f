"""What the last successful build left behind: its fingerprints and a key per output file.

Kept in a cache folder outside the output: ``.cache/build/`` beside it (for ``build/`` that is
the repository's git-ignored ``.cache/``), or ``$RA_BUILD_CACHE``; one subfolder per
(content, output) pair, so ``make build CONTENT=x OUTPUT=y`` never mixes with the default.
Written only after the new output is in place; a failed build leaves the previous state, which
still describes the untouched output.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_ENV = "RA_BUILD_CACHE"
STATE_VERSION = 2


def cache_dir(content: Path, output: Path) -> Path:
    """The cache folder of one content folder built into one output folder."""
    output = output.resolve()
    configured = os.environ.get(CACHE_ENV)
    root = Path(configured) if configured else output.parent / ".cache" / "build"
    pair = f"{content.resolve()}\0{output}"
    slug = hashlib.sha256(pair.encode()).hexdigest()[:16]
    return root / f"{output.name or 'output'}-{slug}"


def output_identity(output: Path) -> list[int]:
    """Device, inode and mtime of the output folder: changes if it is replaced or emptied."""
    try:
        stat = output.stat()
    except OSError:
        return []
    return [stat.st_dev, stat.st_ino, stat.st_mtime_ns]


@dataclass
class BuildState:
    """The record of one successful build."""

    inputs: str = ""
    code: str = ""
    output_identity: list[int] = field(default_factory=list)
    valid_until: float = 0.0
    #: output path (relative, posix) -> [dependency key, [recorded reads]]
    pages: dict[str, list[Any]] = field(default_factory=dict)
    #: recorded read ("Kind:source" NUL attribute) -> digest when last rendered
    reads: dict[str, str | None] = field(default_factory=dict)
    version: int = STATE_VERSION

    @classmethod
    def load(cls, path: Path) -> BuildState | None:
        try:
            with path.open("rb") as stream:
                data = pickle.load(stream)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return None
        try:
            names, digests = data.pop("read_names"), data.pop("read_digests")
            data["reads"] = dict(zip(names, digests, strict=True))
            data["pages"] = {
                path: [key, [names[i] for i in reads]]
                for path, (key, reads) in data["pages"].items()
            }
            return cls(**data)
        except (TypeError, KeyError, ValueError, IndexError):
            return None

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old state or the new one, never half.

        Pages refer to their reads by index into one list: the same read (a post's title)
        is recorded by many pages. Pickled like Pelican's own cache (it is ours alone)."""
        names = sorted(self.reads)
        index = {name: i for i, name in enumerate(names)}
        data = {
            "version": self.version,
            "inputs": self.inputs,
            "code": self.code,
            "output_identity": list(self.output_identity),
            "valid_until": self.valid_until,
            "read_names": names,
            "read_digests": [self.reads[name] for name in names],
            "pages": {
                page: [key, [index[read] for read in reads]]
                for page, (key, reads) in self.pages.items()
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)


def load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_json(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temp, path)
