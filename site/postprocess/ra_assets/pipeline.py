"""The last pass over a build's new files: asset references rewritten, then .gz/.br written.

Each file is read once, rewritten if it names a hashed asset, and compressed from the bytes
in memory. The files are shared out to the build's worker processes (``ra_core.workers``: one per
core, forked so they start with everything imported) while the driver's own process writes
the manifests: on a 2-core machine this pass costs about half of doing the same steps one
after the other. The pool that rendered the posts' pages is replaced by a fresh one first:
the rendering workers' own heaps (70-110 MB each for 1,000 long posts) go, and new workers
share the driver's pages (the whole build's peak memory 350-361 -> 301-314 MB, same CPU).
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from ra_core import workers, write_new

from ra_assets import cache as compress_cache
from ra_assets.compress import (
    COMPRESSED_SUFFIXES,
    COMPRESSIBLE,
    STREAM_THRESHOLD,
    compress_bytes,
    compress_stream,
)
from ra_assets.fingerprint import needs_rewrite, reference_pattern, rewrite_text

#: below this many files a pool costs more than it saves
POOL_THRESHOLD = 64
#: batches per worker: small enough to even out, large enough to keep pickling rare
BATCHES_PER_WORKER = 4


def finish_files(
    output: str,
    names: Sequence[str],
    mapping: Mapping[str, str],
    site_url: str,
    rewrite_references: bool = True,
    previous: str | None = None,
    cache: str | None = None,
) -> int:
    """Rewrite and compress ``names`` (relative to ``output``); returns how many.

    ``previous`` is the last build's output: a file with the same bytes there gets its
    .gz/.br linked from it instead of compressed again (compression is deterministic).
    ``cache``: the folder of ``ra_assets.cache`` (None: compress every file)."""
    pattern = reference_pattern(site_url) if mapping and rewrite_references else None
    done = 0
    for name in names:
        rewrite = pattern is not None and needs_rewrite(name)
        compress = Path(name).suffix in COMPRESSIBLE
        if not (rewrite or compress):
            continue
        path = Path(output, name)
        if not rewrite and path.stat().st_size >= STREAM_THRESHOLD:
            _finish_large(path, Path(previous, name) if previous else None, cache)
            done += 1
            continue
        raw = _rewrite_in_place(path, mapping, pattern) if rewrite else path.read_bytes()  # type: ignore[arg-type]
        if compress and not (previous and _link_previous(Path(previous, name), path, raw)):
            if cache is None:
                compress_bytes(path, raw)
            else:
                compress_cache.compress_cached(path, raw, Path(cache))
        done += 1
    return done


def _finish_in_worker(*args: Any) -> int:
    """``finish_files`` in a pool worker; its freed buffers then go back to the system (the
    whole build's peak memory: the workers run beside the driver)."""
    done = finish_files(*args)
    workers.release_free_memory()
    return done


def _rewrite_in_place(path: Path, mapping: Mapping[str, str], pattern: re.Pattern[str]) -> bytes:
    """Rewrite ``path``'s references; returns its final bytes.

    A file this build wrote has one link and is overwritten where it is: creating a file
    costs about ten times as much as rewriting one on this kind of file system, and this runs
    for every page. A file with more links (shared with the last build) gets a new one.
    """
    with path.open("r+b") as handle:
        raw = handle.read()
        new = rewrite_text(raw, mapping, pattern)
        if new is raw:
            return raw
        if os.fstat(handle.fileno()).st_nlink == 1:
            handle.seek(0)
            handle.write(new)
            handle.truncate()
            return new
    write_new(path, new)
    return new


def _link_previous(old: Path, path: Path, raw: bytes) -> bool:
    """Link ``old``'s .gz/.br beside ``path`` if ``old`` holds exactly ``raw``."""
    try:
        if old.stat().st_size != len(raw) or old.read_bytes() != raw:
            return False
    except OSError:
        return False
    return _link_twins(old, path)


def _link_twins(old: Path, path: Path) -> bool:
    try:
        for suffix in COMPRESSED_SUFFIXES:
            target = path.with_name(path.name + suffix)
            target.unlink(missing_ok=True)
            os.link(old.with_name(old.name + suffix), target)
    except OSError:
        return False  # compressed afresh (write_new replaces anything linked meanwhile)
    return True


def _same_bytes(old: Path, path: Path) -> bool:
    try:
        return filecmp.cmp(old, path, shallow=False)
    except OSError:
        return False


def _finish_large(path: Path, old: Path | None, cache: str | None) -> None:
    """A large file not to be rewritten (the manifests): compared, hashed and compressed a
    chunk at a time, never held whole."""
    if old is not None and _same_bytes(old, path) and _link_twins(old, path):
        return
    if cache is None:
        compress_stream(path, path.with_name(path.name + ".gz"), path.with_name(path.name + ".br"))
    else:
        compress_cache.compress_cached_file(path, Path(cache))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _batches(names: Sequence[str], count: int) -> list[list[str]]:
    return [list(names[i::count]) for i in range(count)]


class FinishPass:
    """``finish_files`` over many files in worker processes; ``wait()`` for the result.

    With few files (a small rebuild) or one core it runs in this process at ``wait()``.
    """

    def __init__(
        self,
        output: Path,
        names: Sequence[str],
        mapping: Mapping[str, str],
        site_url: str,
        previous: Path | None = None,
        cache: Path | None = None,
    ) -> None:
        """``cache``: where compressed files are kept between builds (default: the folder
        ``ra_assets.cache.folder_for`` names)."""
        self.output, self.mapping, self.site_url = str(output), mapping, site_url
        self.previous = str(previous) if previous is not None else None
        self.cache = str(cache or compress_cache.folder_for(output))
        self.local: list[tuple[list[str], bool]] = []
        self.futures: list[Future[int]] = []
        self.pool: Executor | None = None
        if len(names) >= POOL_THRESHOLD:
            workers.shutdown()  # see the module's docstring
            self.pool = workers.get()
        if self.pool is None:  # few files, or one core
            self.local.append((list(names), True))
            return
        for batch in _batches(names, workers.worker_count() * BATCHES_PER_WORKER):
            self._submit(batch, True)

    def _submit(self, names: list[str], rewrite: bool) -> None:
        assert self.pool is not None
        self.futures.append(
            self.pool.submit(
                _finish_in_worker,
                self.output,
                names,
                self.mapping,
                self.site_url,
                rewrite,
                self.previous,
                self.cache,
            )
        )

    def add_compress_only(self, names: Iterable[str]) -> None:
        """Files written after the pass began (manifests, sitemap): compressed, not rewritten.

        Files of ``STREAM_THRESHOLD`` and more (the manifests) are compressed in this process
        once the workers have ended (``wait``): Brotli's encoder takes ~30 MB for the 40 MB
        activity manifest, and in a worker it came on top of the workers' own heaps (the
        whole build's peak memory)."""
        names = list(names)
        if self.pool is None:
            self.local.append((names, False))
            return
        large = [name for name in names if _size(Path(self.output, name)) >= STREAM_THRESHOLD]
        if large:
            self.local.append((large, False))
        for name in names:
            if name not in large:
                self._submit([name], False)

    def wait(self) -> int:
        """Finish the files (the workers' share first, then they end and this process does
        its own); then prune the compression cache. Returns how many files."""
        done = sum(future.result() for future in self.futures)
        if self.pool is not None:
            workers.shutdown()
            self.pool = None
        done += sum(
            finish_files(
                self.output, names, self.mapping, self.site_url, rw, self.previous, self.cache
            )
            for names, rw in self.local
        )
        compress_cache.prune(Path(self.cache))
        return done
