"""CDN readiness: hashed asset names, precompressed siblings and the cache policy file."""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import re
from fnmatch import fnmatch
from pathlib import Path

import brotli
import pytest

from tests.static.conftest import SAMPLE_CONTENT, SITE_URL, run_build
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


def _texts(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.suffix in TEXT
    }


def test_a_warm_compression_cache_gives_the_same_bytes_and_compresses_only_new_ones(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "compressed"
    env = {"RA_COMPRESS_CACHE": str(cache), "RA_BUILD_CACHE": str(tmp_path / "state")}
    first = run_build(SAMPLE_CONTENT, tmp_path / "one", env=env)
    assert first.returncode == 0, first.stderr
    filled = {p.name for p in cache.iterdir()}
    texts = _texts(first.output)
    assert len(filled) == 2 * len(set(texts.values()))  # a .gz and a .br per distinct text
    # another output folder: no previous build to link from, so a cold build but for the cache
    second = run_build(SAMPLE_CONTENT, tmp_path / "two", env=env)
    assert second.returncode == 0, second.stderr
    again = _texts(second.output)
    assert again.keys() == texts.keys()
    changed = {name for name, data in again.items() if data != texts[name]}
    assert changed <= {"_data/catalog.json", "_data/activitystreams.json"}  # generated_at
    for name in texts.keys() - changed:
        for suffix in (".gz", ".br"):
            twin = (second.output / name).with_name(Path(name).name + suffix)
            assert twin.read_bytes() == (first.output / name).with_name(twin.name).read_bytes()
    added = {p.name for p in cache.iterdir()} - filled
    assert len(added) == 2 * len({again[name] for name in changed})


def test_the_compression_cache_drops_old_and_surplus_entries_no_site_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ra_assets import cache as compress_cache

    folder, site = tmp_path / "cache", tmp_path / "site"
    folder.mkdir()
    site.mkdir()
    now = 1_000_000_000.0
    old_unused, old_used, new_unused = folder / "a.gz", folder / "b.gz", folder / "c.gz"
    for entry in (old_unused, old_used, new_unused):
        entry.write_bytes(b"x" * 1000)
    os.link(old_used, site / "page.html.gz")  # a built site still serves it
    for entry in (old_unused, old_used):
        os.utime(entry, (now - compress_cache.MAX_AGE - 1, now - compress_cache.MAX_AGE - 1))
    os.utime(new_unused, (now, now))
    assert compress_cache.prune(folder, now) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["b.gz", "c.gz"]
    # past the size limit the oldest unused entries go first, however young
    for index in range(5):
        entry = folder / f"new-{index}.br"
        entry.write_bytes(b"y" * 1000)
        os.utime(entry, (now + index, now + index))
    monkeypatch.setattr(compress_cache, "MAX_UNUSED", 2500)
    compress_cache.prune(folder, now + 10)
    assert sorted(p.name for p in folder.iterdir()) == ["b.gz", "new-3.br", "new-4.br"]


def test_a_large_file_compressed_in_chunks_gets_the_same_bytes(tmp_path: Path) -> None:
    from ra_assets.compress import STREAM_THRESHOLD, compress_stream, compressed_pair

    rng = random.Random(14)
    words = [f"w{rng.randrange(5000)}" for _ in range(2000)]
    lines = (" ".join(rng.choices(words, k=12)) for _ in range(STREAM_THRESHOLD // 40))
    data = ('{"objects": ["' + '",\n"'.join(lines) + '"]}').encode()
    assert len(data) > STREAM_THRESHOLD
    source = tmp_path / "activitystreams.json"
    source.write_bytes(data)
    compress_stream(source, tmp_path / "a.gz", tmp_path / "a.br")
    gzipped, brotlied = compressed_pair(data)
    assert (tmp_path / "a.gz").read_bytes() == gzipped
    assert (tmp_path / "a.br").read_bytes() == brotlied
