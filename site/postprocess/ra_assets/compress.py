"""Precompressed ``.gz`` and ``.br`` beside every text file (nginx gzip_static/brotli_static).

gzip is written with mtime 0 so the same input always gives the same bytes.
"""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
from ra_core import write_new

COMPRESSIBLE = {".html", ".css", ".js", ".xml", ".json", ".ics", ".txt", ".svg"}
#: measured on the 1,000-post build (2,645 files, 26.9 MB): q6 1.15 s CPU -> 5.91 MB, q5 0.83 s
#: -> 5.95 MB (+0.7 %), q4 0.54 s -> 6.35 MB (+7 %); q10-11 save ~10 % for 25-60x the time
BROTLI_QUALITY = 5
GZIP_LEVEL = 9  # level 6: 0.46 s instead of 0.52 s, +0.3 % bytes: not worth it
COMPRESSED_SUFFIXES = (".gz", ".br")
#: from this size on, gzip and Brotli run side by side (a thread costs ~0.1 ms)
THREAD_THRESHOLD = 256 * 1024


def compressible_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE)


def compress_file(path: Path) -> None:
    compress_bytes(path, path.read_bytes())


def compress_bytes(path: Path, data: bytes) -> None:
    """Write ``path``.gz and ``path``.br holding ``data`` (the bytes of ``path``)."""
    gzipped, brotlied = compressed_pair(data)
    write_new(path.with_name(path.name + ".gz"), gzipped)
    write_new(path.with_name(path.name + ".br"), brotlied)


def compressed_pair(data: bytes) -> tuple[bytes, bytes]:
    """``data`` gzipped and Brotli-compressed.

    A large file (the manifests, which change in every build) gets its gzip in a thread while
    Brotli runs here: both release the GIL, so on two cores this takes the longer of the two.
    """
    if len(data) < THREAD_THRESHOLD:
        return gzip.compress(data, GZIP_LEVEL, mtime=0), brotli.compress(
            data, quality=BROTLI_QUALITY
        )
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(gzip.compress, data, GZIP_LEVEL, mtime=0)
        brotlied = brotli.compress(data, quality=BROTLI_QUALITY)
        return pending.result(), brotlied


def precompress(output: Path) -> int:
    """Write the .gz and .br siblings; returns how many text files were compressed."""
    files = compressible_files(output)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(compress_file, files))
    return len(files)
