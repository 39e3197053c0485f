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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ra_core import write_new

BINARY_ASSETS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2"}
CODE_ASSETS = {".css", ".js", ".svg"}
TEXT_FILES = {".html", ".css", ".js", ".svg", ".xml", ".json", ".txt", ".ics", ".webmanifest"}
SKIP_DIRS = {"_data"}
HASH_LENGTH = 8
_HASHED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}$")


def all_files(output: Path) -> list[str]:
    """Every file under ``output`` as a sorted POSIX path relative to it."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())


def _files(output: Path, names: Iterable[str], suffixes: set[str]) -> list[Path]:
    return [
        output / name
        for name in names
        if Path(name).suffix.lower() in suffixes and name.split("/", 1)[0] not in SKIP_DIRS
    ]


def hashed_name(path: Path, data: bytes) -> str:
    """``site.css`` -> ``site.3f2a9c1b.css`` (the hash of the file's bytes)."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return f"{path.stem}.{digest}{path.suffix}"


def reference_pattern(site_url: str) -> re.Pattern[str]:
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
    return _substitute(text, mapping, reference_pattern(site_url))


def reference_rewriter(mapping: Mapping[str, str], site_url: str) -> Callable[[str], str]:
    """``rewrite_references`` with the pattern compiled once, for many short strings."""
    if not mapping:
        return lambda text: text
    pattern = reference_pattern(site_url)

    def rewrite(text: str) -> str:
        return _substitute(text, mapping, pattern) if "/" in text else text

    return rewrite


def _rewrite_files(files: Iterable[Path], mapping: Mapping[str, str], site_url: str) -> None:
    if not mapping:
        return
    pattern = reference_pattern(site_url)
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


def rename_assets(output: Path, files: Sequence[str], site_url: str = "") -> dict[str, str]:
    """Give the binary and code assets among ``files`` (relative paths) hashed names, with the
    references inside CSS/JS rewritten first; returns {old path: new path}. Other text files
    are left for ``rewrite_text`` (see ra_assets.pipeline, which does it with compression)."""
    mapping: dict[str, str] = {}
    _rename(output, _files(output, files, BINARY_ASSETS), mapping)
    code = _files(output, files, CODE_ASSETS)
    _rewrite_files(code, mapping, site_url)
    _rename(output, code, mapping)
    return mapping


def needs_rewrite(name: str) -> bool:
    """Text files whose asset references ``fingerprint`` rewrites (not the manifests)."""
    return Path(name).suffix.lower() in TEXT_FILES and name.split("/", 1)[0] not in SKIP_DIRS


def rewrite_text(raw: bytes, mapping: Mapping[str, str], pattern: re.Pattern[str]) -> bytes:
    """``raw`` with its references rewritten; the same bytes when nothing was replaced.

    Decoded like ``Path.read_text`` (universal newlines), as the files were before."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    new = _substitute(text, mapping, pattern)
    return raw if new == text else new.encode("utf-8")


def fingerprint(output: Path, site_url: str = "") -> dict[str, str]:
    """Rename assets to hashed names and rewrite references; returns {old path: new path}."""
    files = all_files(output)
    mapping = rename_assets(output, files, site_url)
    renamed = [mapping.get(name, name) for name in files]
    _rewrite_files((output / name for name in renamed if needs_rewrite(name)), mapping, site_url)
    return mapping
