"""CDN readiness: hashed asset names, precompressed siblings and the cache policy file."""

from __future__ import annotations

import gzip
import hashlib
import re
from fnmatch import fnmatch
from pathlib import Path

import brotli

from tests.static.conftest import SITE_URL
from tests.static.linkcheck import internal_references

HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{8})\.(?P<ext>css|js|png|jpg|svg)$")
TEXT = {".html", ".css", ".js", ".xml", ".json", ".ics", ".txt", ".svg"}


def assets(site: Path) -> list[Path]:
    return sorted(
        p
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".css", ".js", ".png", ".jpg", ".svg")
    )


def test_assets_have_content_hashed_names(sample_site: Path) -> None:
    files = assets(sample_site)
    assert any(f.suffix == ".css" for f in files) and any(f.suffix == ".js" for f in files)
    for file in files:
        match = HASHED.match(file.name)
        assert match, f"{file.relative_to(sample_site)} is not fingerprinted"
        assert hashlib.sha256(file.read_bytes()).hexdigest()[:8] == match["hash"]


def test_pages_reference_the_hashed_assets(sample_site: Path) -> None:
    referenced = internal_references(sample_site, SITE_URL)
    css = [f.relative_to(sample_site).as_posix() for f in (sample_site / "theme/css").glob("*.css")]
    assert any(name.startswith("theme/css/site.") for name in css)
    assert set(css) <= referenced
    for name in ("theme/js/", "theme/images/logo.", "images/orchard-blossom."):
        assert any(r.startswith(name) for r in referenced), name
    page = (sample_site / "index.html").read_text()
    assert "site.css" not in page and "logo.png" not in page


def test_every_text_file_has_gzip_and_brotli_twins(sample_site: Path) -> None:
    texts = [p for p in sample_site.rglob("*") if p.is_file() and p.suffix in TEXT]
    assert len(texts) > 50
    for file in texts:
        data = file.read_bytes()
        gz = file.with_name(file.name + ".gz")
        br = file.with_name(file.name + ".br")
        assert gzip.decompress(gz.read_bytes()) == data, gz
        assert brotli.decompress(br.read_bytes()) == data, br


def _rules(site: Path) -> list[tuple[str, str]]:
    rules, path = [], None
    for line in (site / "_headers").read_text().splitlines():
        if line and not line.startswith(" "):
            path = line.strip()
        elif line.strip().startswith("Cache-Control:") and path:
            rules.append((path, line.split(":", 1)[1].strip()))
    return rules


def _policies(rules: list[tuple[str, str]], url_path: str) -> list[str]:
    return [cache for pattern, cache in rules if pattern == url_path or fnmatch(url_path, pattern)]


def test_headers_file_caches_assets_forever_and_html_briefly(sample_site: Path) -> None:
    rules = _rules(sample_site)
    for file in assets(sample_site):
        path = "/" + file.relative_to(sample_site).as_posix()
        assert _policies(rules, path) == ["public, max-age=31536000, immutable"], path
    for file in sample_site.rglob("*.html"):
        relative = file.relative_to(sample_site).as_posix()
        for path in {"/" + relative, "/" + relative.removesuffix("index.html")}:
            assert _policies(rules, path) == ["public, max-age=0, must-revalidate"], path
