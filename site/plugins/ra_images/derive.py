"""Resized WebP/AVIF (and a JPEG or PNG fallback) of a source image, cached by content hash.

Encoding is the slow part of a build with images, so every derived file is kept in a cache
folder under a name made of the source's hash, the width, the format and ``RECIPE`` (bump it
when the encoder settings change): an unchanged image costs a hard link on the next build,
whatever output folder that build writes to.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, features
from ra_core import write_atomic

RECIPE = "1"
FALLBACK_WIDTH = 800  # the <img src> for browsers without WebP: one modest file
RASTER = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
_ENCODERS: dict[str, tuple[str, dict[str, Any]]] = {
    "avif": ("AVIF", {"quality": 55, "speed": 8}),
    "webp": ("WEBP", {"quality": 78, "method": 4}),
    "jpg": ("JPEG", {"quality": 80, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
}


def modern_formats() -> tuple[str, ...]:
    """AVIF first when this Pillow can write it, then WebP (always)."""
    return ("avif", "webp") if features.check("avif") else ("webp",)


@dataclass(frozen=True)
class Source:
    path: Path  # the file in the content folder
    name: str  # its path in the site, e.g. images/apple-harvest.png
    width: int
    height: int
    has_alpha: bool

    @property
    def fallback_format(self) -> str:
        return "png" if self.has_alpha else "jpg"

    def derived_name(self, width: int, fmt: str) -> str:
        """``images/apple-harvest.png`` -> ``images/apple-harvest.800w.webp`` (beside it)."""
        stem = self.name.rsplit(".", 1)[0]
        return f"{stem}.{width}w.{fmt}"

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


@lru_cache(maxsize=4096)
def _probe(path: Path, mtime_ns: int) -> tuple[int, int, bool] | None:
    try:
        with Image.open(path) as image:
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            return image.width, image.height, alpha
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def probe(path: Path, name: str) -> Source | None:
    """The source's size (header only), or None when it is not a raster image we can read."""
    if path.suffix.lower() not in RASTER:
        return None
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    found = _probe(path, mtime)
    return Source(path, name, *found) if found else None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


def _encode(source: Source, width: int, fmt: str) -> bytes:
    with Image.open(source.path) as opened:
        opened.load()
        mode = "RGBA" if source.has_alpha and fmt != "jpg" else "RGB"
        image = opened.convert(mode)
    if width < image.width:
        image = image.resize((width, source.height_at(width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pil_format, options = _ENCODERS[fmt]
    image.save(out, pil_format, **options)
    return out.getvalue()


@dataclass(frozen=True)
class Job:
    source: Source
    width: int
    fmt: str


def jobs_for(source: Source, widths: Iterable[int]) -> list[Job]:
    """Every file a source needs: each width in the modern formats, one fallback."""
    jobs = [Job(source, w, fmt) for w in widths for fmt in modern_formats()]
    fallback = min(FALLBACK_WIDTH, source.width)
    jobs.append(Job(source, fallback, source.fallback_format))
    return jobs


def _encode_or_error(job: Job) -> bytes | str:
    try:
        return _encode(job.source, job.width, job.fmt)
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's "broken data stream" & co.
        return str(exc) or type(exc).__name__


def cached_files(jobs: list[Job], cache: Path) -> tuple[dict[Job, Path], dict[Source, str]]:
    """The cache file of every job, encoding (two at a time) only those not cached yet;
    and the sources that could not be decoded, with the reason."""
    digests: dict[Path, str] = {}
    paths: dict[Job, Path] = {}
    for job in jobs:
        digest = digests.get(job.source.path) or digests.setdefault(
            job.source.path, _digest(job.source.path)
        )
        paths[job] = cache / f"{digest}-r{RECIPE}-{job.width}.{job.fmt}"
    missing = [job for job, path in paths.items() if not path.is_file()]
    broken: dict[Source, str] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:  # Pillow's encoders release the GIL
        for job, data in zip(missing, pool.map(_encode_or_error, missing), strict=True):
            if isinstance(data, str):
                broken[job.source] = data
            else:
                write_atomic(paths[job], data)
    done = {job: path for job, path in paths.items() if job.source not in broken}
    return done, broken


def place(cached: Path, target: Path) -> None:
    """Put a cached file into the output: a hard link when possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:
        target.write_bytes(cached.read_bytes())
