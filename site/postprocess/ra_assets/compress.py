"""Precompressed ``.gz`` and ``.br`` beside every text file (nginx gzip_static/brotli_static).

gzip is written with mtime 0 so the same input always gives the same bytes.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

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
#: from this size on, a file is compressed from disk in chunks (``compress_stream``): the
#: activity manifest of 1,000 long posts is 40 MB, and held whole with both results it
#: made the peak memory of a one-edit rebuild
STREAM_THRESHOLD = 4 * 1024 * 1024
CHUNK = 1024 * 1024
#: what ``gzip.compress(data, GZIP_LEVEL, mtime=0)`` starts with (flags, mtime 0, level, OS)
_GZIP_HEADER = gzip.compress(b"", GZIP_LEVEL, mtime=0)[:10]


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


def _gzip_stream(source: BinaryIO, out: BinaryIO) -> None:
    """The bytes ``gzip.compress(data, GZIP_LEVEL, mtime=0)`` gives (zlib's output does not
    depend on how its input is cut up)."""
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = size = 0
    out.write(_GZIP_HEADER)
    while chunk := source.read(CHUNK):
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        out.write(packer.compress(chunk))
    out.write(packer.flush())
    out.write(struct.pack("<LL", crc, size & 0xFFFFFFFF))


def _brotli_stream(source: BinaryIO, out: BinaryIO) -> None:
    """The bytes ``brotli.compress(data, quality=BROTLI_QUALITY)`` gives (measured on the
    40 MB manifest; tests/static/test_site_assets.py checks it past ``STREAM_THRESHOLD``)."""
    packer = brotli.Compressor(quality=BROTLI_QUALITY)
    while chunk := source.read(CHUNK):
        out.write(packer.process(chunk))
    out.write(packer.finish())


def _stream(step: Callable[[BinaryIO, BinaryIO], None], source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)  # a new file, never written through a link
    with source.open("rb") as reading, target.open("wb") as out:
        step(reading, out)


def compress_stream(source: Path, gz: Path, br: Path) -> None:
    """``source`` gzipped into ``gz`` and Brotli-compressed into ``br``, a chunk at a time
    (gzip in a thread beside Brotli); the same bytes as ``compressed_pair``."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_stream, _gzip_stream, source, gz)
        _stream(_brotli_stream, source, br)
        pending.result()


def precompress(output: Path) -> int:
    """Write the .gz and .br siblings; returns how many text files were compressed."""
    files = compressible_files(output)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(compress_file, files))
    return len(files)
