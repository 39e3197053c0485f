"""``.gz``/``.br`` kept between builds by content hash: a file's bytes are compressed once.

An entry is named by the sha256 of the uncompressed bytes and a recipe (gzip level, Brotli
quality and both libraries' versions), so a changed level or library never serves old
bytes; compression is deterministic, so an entry equals what compressing again would give.
Entries are hard-linked into the output (copied across file systems): nothing writes through
a link (see ``ra_core.write_new``). An entry no output links to any more (link count 1) is
pruned once older than ``MAX_AGE`` or, oldest first, while such entries pass ``MAX_UNUSED``:
the manifests change in every build, and their copies must not pile up.

The folder is ``$RA_COMPRESS_CACHE``, else ``compressed`` in ``$RA_BUILD_CACHE``, else
``.cache/compressed`` beside the output (where the build state lives by default), so deleting
the build cache also makes the next build cold.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zlib
from pathlib import Path

import brotli
from ra_core import write_atomic, write_new

from ra_assets.compress import BROTLI_QUALITY, GZIP_LEVEL, compress_stream, compressed_pair

ENV = "RA_COMPRESS_CACHE"
BUILD_CACHE_ENV = "RA_BUILD_CACHE"  # ra_incremental.state.CACHE_ENV (a plugin: not imported)
MAX_AGE = 7 * 24 * 3600.0
MAX_UNUSED = 256 * 1024 * 1024
RECIPE = hashlib.sha256(
    f"gzip {GZIP_LEVEL} zlib {zlib.ZLIB_RUNTIME_VERSION} brotli {BROTLI_QUALITY} "
    f"{brotli.version}".encode()
).hexdigest()[:8]


def folder_for(output: Path) -> Path:
    """The cache folder of a build writing ``output`` (the staging folder beside the site)."""
    if configured := os.environ.get(ENV):
        return Path(configured)
    if build_cache := os.environ.get(BUILD_CACHE_ENV):
        return Path(build_cache) / "compressed"
    return Path(output).resolve().parent / ".cache" / "compressed"


def _entries(cache: Path, digest: str) -> tuple[Path, Path]:
    stem = f"{digest}-{RECIPE}"
    return cache / f"{stem}.gz", cache / f"{stem}.br"


def _place(entry: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    try:
        os.link(entry, target)
    except OSError:  # another file system
        target.write_bytes(entry.read_bytes())


def _hit(gz: Path, br: Path) -> bool:
    if not (gz.is_file() and br.is_file()):
        return False
    now = time.time()
    for entry in (gz, br):
        os.utime(entry, (now, now))  # used: its age for pruning starts again
    return True


def _place_both(gz: Path, br: Path, path: Path) -> None:
    _place(gz, path.with_name(path.name + ".gz"))
    _place(br, path.with_name(path.name + ".br"))


def compress_cached(path: Path, data: bytes, cache: Path) -> bool:
    """Put ``path``.gz and ``path``.br (of ``data``) beside ``path`` from the cache, compressing
    and storing them first when they are not there; True when they were."""
    gz, br = _entries(cache, hashlib.sha256(data).hexdigest())
    if _hit(gz, br):
        _place_both(gz, br, path)
        return True
    cache.mkdir(parents=True, exist_ok=True)
    for entry, packed in zip((gz, br), compressed_pair(data), strict=True):
        target = path.with_name(path.name + entry.suffix)
        write_new(target, packed)
        _keep(target, entry, packed)
    return False


def _keep(target: Path, entry: Path, packed: bytes) -> None:
    """``entry`` made a link to the finished ``target`` (a link is whole or absent: no
    half-written entry), or a copy when they are on different file systems."""
    try:
        os.link(target, entry)
    except FileExistsError:
        pass  # another build stored the same bytes meanwhile
    except OSError:
        write_atomic(entry, packed)


def compress_cached_file(path: Path, cache: Path) -> bool:
    """``compress_cached`` of a large file, read in chunks (``compress_stream``)."""
    with path.open("rb") as handle:
        gz, br = _entries(cache, hashlib.file_digest(handle, "sha256").hexdigest())
    hit = _hit(gz, br)
    if not hit:
        cache.mkdir(parents=True, exist_ok=True)
        temps = [Path(tempfile.mkstemp(dir=cache, prefix=".tmp-")[1]) for _ in range(2)]
        try:
            compress_stream(path, *temps)
            os.replace(temps[0], gz)
            os.replace(temps[1], br)
        finally:
            for temp in temps:
                temp.unlink(missing_ok=True)
    _place_both(gz, br, path)
    return hit


def prune(cache: Path, now: float | None = None) -> int:
    """Delete unused entries (link count 1) older than ``MAX_AGE``, then the oldest unused
    ones while they add up to more than ``MAX_UNUSED``; returns how many were deleted."""
    now = time.time() if now is None else now
    unused: list[tuple[float, int, str]] = []
    try:
        with os.scandir(cache) as found:
            for entry in found:
                stat = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and stat.st_nlink == 1:
                    unused.append((stat.st_mtime, stat.st_size, entry.path))
    except FileNotFoundError:
        return 0
    unused.sort()
    total = sum(size for _, size, _ in unused)
    deleted = 0
    for mtime, size, name in unused:
        if now - mtime <= MAX_AGE and total <= MAX_UNUSED:
            break
        Path(name).unlink(missing_ok=True)
        total -= size
        deleted += 1
    return deleted
