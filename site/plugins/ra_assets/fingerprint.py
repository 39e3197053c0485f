"""Content-hashed file names (``site.3f2a9c1b.css``) with every reference rewritten.

A hashed name changes exactly when the bytes change, so a CDN and browsers may keep it for a
year (see docs/cdn.md). Binary assets (images, fonts) are renamed first and the references to
them rewritten inside CSS and JS; then CSS and JS are hashed over their rewritten bytes; last,
every text file (HTML, XML, JSON, ...) gets its references rewritten.

References are rewritten where they appear as absolute URLs (``SITEURL`` + path) or as
root-relative paths (``/theme/css/site.css``) after a quote, ``(``, ``=``, space or comma.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ra_core import write_new

BINARY_ASSETS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2"}
CODE_ASSETS = {".css", ".js", ".svg"}
TEXT_FILES = {".html", ".css", ".js", ".svg", ".xml", ".json", ".txt", ".ics", ".webmanifest"}
SKIP_DIRS = {"_data"}
HASH_LENGTH = 8
_HASHED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}$")


def _files(output: Path, suffixes: set[str]) -> list[Path]:
    return sorted(
        p
        for p in output.rglob("*")
        if p.is_file()
        and p.suffix.lower() in suffixes
        and not SKIP_DIRS.intersection(p.relative_to(output).parts[:1])
    )


def hashed_name(path: Path, data: bytes) -> str:
    """``site.css`` -> ``site.3f2a9c1b.css`` (the hash of the file's bytes)."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return f"{path.stem}.{digest}{path.suffix}"


def _reference_pattern(site_url: str) -> re.Pattern[str]:
    """Any absolute or root-relative URL of a file with an asset extension."""
    prefix = re.escape(site_url.rstrip("/"))
    extensions = "|".join(sorted(e.lstrip(".") for e in BINARY_ASSETS | CODE_ASSETS))
    return re.compile(
        rf"(?P<pre>{prefix}/|(?<=[\"'(=\s,])/)"
        rf"(?P<path>[^\"'()\s?#,<>&]+\.(?:{extensions}))(?=[\"')\s?#,<&]|$)"
    )


def _substitute(text: str, mapping: Mapping[str, str], pattern: re.Pattern[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        hashed = mapping.get(match.group("path"))
        return match.group("pre") + hashed if hashed else match.group(0)

    return pattern.sub(replace, text)


def rewrite_references(text: str, mapping: Mapping[str, str], site_url: str) -> str:
    """Replace every reference to an original asset path with its hashed path."""
    if not mapping:
        return text
    return _substitute(text, mapping, _reference_pattern(site_url))


def _rewrite_files(files: Iterable[Path], mapping: Mapping[str, str], site_url: str) -> None:
    if not mapping:
        return
    pattern = _reference_pattern(site_url)
    for file in files:
        text = file.read_text(encoding="utf-8")
        new = _substitute(text, mapping, pattern)
        if new != text:
            write_new(file, new)


def _rename(output: Path, files: Iterable[Path], mapping: dict[str, str]) -> None:
    for file in files:
        if _HASHED.search(file.stem):
            continue  # already fingerprinted (e.g. copied from a previous build)
        target = file.with_name(hashed_name(file, file.read_bytes()))
        file.replace(target)
        mapping[file.relative_to(output).as_posix()] = target.relative_to(output).as_posix()


def fingerprint(output: Path, site_url: str = "") -> dict[str, str]:
    """Rename assets to hashed names and rewrite references; returns {old path: new path}."""
    mapping: dict[str, str] = {}
    _rename(output, _files(output, BINARY_ASSETS), mapping)
    code = _files(output, CODE_ASSETS)
    _rewrite_files(code, mapping, site_url)
    _rename(output, code, mapping)
    _rewrite_files(_files(output, TEXT_FILES), mapping, site_url)
    return mapping
