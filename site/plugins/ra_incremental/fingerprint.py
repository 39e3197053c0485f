"""Digests of the build's inputs: content files, site code, settings, tool versions.

These decide whether a rebuild can be skipped entirely (nothing changed) and whether
Pelican's content cache may be trusted (settings and code unchanged). Nothing here imports
Pelican, so the "nothing changed" path stays cheap.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import manifest_contract

#: The settings key under which the build session travels (see session.py).
SESSION_SETTING = "RA_BUILD_SESSION"
#: Settings that name this run's temporary folders, the cache or the session, not what is built.
VOLATILE_SETTINGS = frozenset(
    {
        "OUTPUT_PATH",
        "CACHE_PATH",
        "CACHE_CONTENT",
        "LOAD_CONTENT_CACHE",
        "CHECK_MODIFIED_METHOD",
        SESSION_SETTING,
    }
)
#: Packages whose version changes what a build writes.
TOOL_PACKAGES = ("pelican", "markdown", "pyromark", "jinja2", "markupsafe", "feedgenerator")
_SKIPPED_DIRS = frozenset({"__pycache__", ".cache", ".git", ".pytest_cache", ".ruff_cache"})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _new() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=20)


def iter_files(root: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every regular file under ``root`` (sorted), skipping caches and ``exclude`` folders."""
    excluded = {os.path.realpath(p) for p in exclude}
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIPPED_DIRS and os.path.realpath(os.path.join(folder, d)) not in excluded
        )
        found.extend(Path(folder, name) for name in sorted(files))
    return found


#: path -> ((mtime_ns, size), digest of its bytes): a resident process's memory of the files
#: it digested, so only files whose stamp changed are read again
Memo = dict[str, tuple[tuple[int, int], bytes]]


def file_digest(path: Path, memo: Memo | None = None) -> bytes:
    """Digest of a file's bytes (``b"unreadable"`` if it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return b"unreadable"
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = str(path)
    if memo is not None:
        known = memo.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20).digest()
    except OSError:
        return b"unreadable"
    if memo is not None:
        memo[key] = (stamp, digest)
    return digest


def file_digests(
    root: Path, exclude: Iterable[Path] = (), memo: Memo | None = None
) -> dict[str, bytes]:
    """Absolute path -> digest of every file under ``root`` (see ``iter_files``)."""
    return {str(path): file_digest(path, memo) for path in iter_files(root, exclude)}


def tree_digest(
    root: Path,
    exclude: Iterable[Path] = (),
    memo: Memo | None = None,
    files: Mapping[str, bytes] | None = None,
) -> str:
    """Names and bytes of every file under ``root``; "" if it does not exist. ``files``:
    ``file_digests`` of the same tree, already made."""
    if not root.is_dir():
        return ""
    digest = _new()
    if files is None:
        files = file_digests(root, exclude, memo)
    for name, file in files.items():
        digest.update(Path(name).relative_to(root).as_posix().encode() + b"\0" + file)
    return digest.hexdigest()


def path_digest(path: Path, memo: Memo | None = None) -> str:
    """A folder's tree digest, a file's bytes, or "" if there is nothing there."""
    if path.is_file():
        return file_digest(path, memo).hex()
    return tree_digest(path, memo=memo)


def tools_digest() -> str:
    """Python and the versions of the packages that shape the output."""
    parts = [sys.version]
    for name in TOOL_PACKAGES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


def stable_repr(value: Any, depth: int = 0) -> str:
    """A repr that is the same in every process for equal settings (no memory addresses)."""
    if depth > 12:
        return "..."
    if isinstance(value, Mapping):
        items = sorted((str(k), stable_repr(v, depth + 1)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(stable_repr(v, depth + 1) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(stable_repr(v, depth + 1) for v in value)) + "}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{getattr(value, '__module__', '')}.{value.__qualname__}>"
    return _ADDRESS.sub("", repr(value))


def settings_digest(settings: Mapping[str, Any]) -> str:
    """Every setting except the per-run paths and cache switches."""
    stable = {k: v for k, v in settings.items() if k not in VOLATILE_SETTINGS}
    return hashlib.blake2b(stable_repr(stable).encode(), digest_size=20).hexdigest()


def combine(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=20).hexdigest()


# --- the inputs of one build ---------------------------------------------------------------


def _site_dir() -> Path:
    return Path(__file__).resolve().parents[2]


def _template_dirs(settings: Mapping[str, Any]) -> list[Path]:
    dirs = [Path(str(settings.get("THEME", ""))) / "templates"]
    dirs += [Path(str(p)) for p in settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    return dirs


def _code_roots(settings: Mapping[str, Any]) -> list[Path]:
    """Folders whose files shape every page: our site folder, the theme, plugin paths and the
    manifest contract the plugins write through."""
    roots: list[Path] = []
    candidates = [_site_dir(), Path(manifest_contract.__file__).parent]
    candidates += [Path(str(settings.get("THEME", "")))]
    candidates += [Path(str(p)) for p in settings.get("PLUGIN_PATHS", [])]
    for candidate in candidates:
        real = candidate.resolve()
        if real.is_dir() and not any(real.is_relative_to(r) for r in roots):
            roots = [r for r in roots if not r.is_relative_to(real)] + [real]
    return sorted(roots)


def code_digest(settings: Mapping[str, Any], memo: Memo | None = None) -> str:
    """Site code (minus templates, keyed per page), settings and tool versions."""
    templates = _template_dirs(settings)
    trees = [tree_digest(root, templates, memo) for root in _code_roots(settings)]
    return combine(tools_digest(), settings_digest(settings), *trees)


def static_digest(settings: Mapping[str, Any], memo: Memo | None = None) -> str:
    """Static files in the content (images): a changed image gets a new hashed name, which
    every page showing it must link to, so any change re-renders every page."""
    root = Path(str(settings.get("PATH", ".")))
    paths = settings.get("STATIC_PATHS", [])
    return combine(*(path_digest(root / str(p), memo) for p in paths))


def templates_digest(settings: Mapping[str, Any], memo: Memo | None = None) -> str:
    return combine(*(tree_digest(d, memo=memo) for d in _template_dirs(settings)))
