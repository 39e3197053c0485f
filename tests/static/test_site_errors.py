"""Bad content: one line per error naming file and field, exit 1, previous build untouched."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.static.conftest import run_build
from tests.static.linkcheck import check_links

#: Not the sample's URL: the small corpus also shows that SITE_URL is honoured.
SITE_URL = "https://coop.example.org"
ENV = {"SITE_URL": SITE_URL}

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a1f8e33d0000000049454e44ae426082"
)

GOOD_FILES = {
    "blog/first-post.md": "Title: First post\nDate: 2026-05-01 10:00\nTags: orchard\n\n"
    "Hello. ![A tiny dot]({static}/images/dot.png) See [about]({filename}/pages/about.md).\n",
    "pages/about.md": "Title: About\n\nWe are a cooperative.\n",
    "pages/contact.md": "Title: Contact\n\nWrite to us.\n",
    "pages/account.md": "Title: Your account\nTemplate: account\n\nSign in to see your orders.\n",
    "market/honey.md": "Title: Honey\nPrice: 650\nCurrency: GBP\nStock: 3\nCategory: pantry\n"
    "Image: images/dot.png\nImage_alt: A jar of honey\n\nGood honey.\n",
}

_TODAY = date.today()
GOOD_FILES |= {
    "blog/yesterday.md": f"Title: Due\nDate: {_TODAY - timedelta(days=2)}\n\nIts day has come.\n",
    "blog/scheduled.md": f"Title: Later\nDate: {_TODAY + timedelta(days=2)}\n\nNot yet.\n",
}

BAD_FILES = {
    "blog/no-title.md": "Date: 2026-05-02\n\nA post without a title.\n",
    "blog/bad-date.md": "Title: Bad date\nDate: 2026-13-45\n\nText.\n",
    "blog/dup-one.md": "Title: One\nDate: 2026-05-03\nSlug: same-slug\n\nText.\n",
    "blog/dup-two.md": "Title: Two\nDate: 2026-05-04\nSlug: same-slug\n\nText.\n",
    "blog/no-alt.md": "Title: No alt\nDate: 2026-05-05\n\n![]({static}/images/dot.png)\n",
    "blog/lead-no-alt.md": "Title: Lead image\nDate: 2026-05-05\nImage: images/dot.png\n\nText.\n",
    "blog/dead-link.md": "Title: Dead links\nDate: 2026-05-06\n\n"
    "[old]({filename}gone.md) and [nowhere](/nowhere/).\n",
    "pages/untitled.md": "\nA page without a title.\n",
    "market/negative.md": "Title: Negative\nPrice: -5\nCurrency: GBP\nStock: 1\n\nx\n",
    "market/unknown-currency.md": "Title: Doubloons\nPrice: 100\nCurrency: XYZ\nStock: 1\n\nx\n",
    "market/bad-stock.md": "Title: Lots\nPrice: 100\nCurrency: GBP\nStock: lots\n\nx\n",
    "market/image-no-alt.md": "Title: No alt\nPrice: 100\nCurrency: GBP\nStock: 1\n"
    "Image: images/dot.png\n\n![]({static}/images/dot.png)\n",
    "market/untitled.md": "Price: 100\nCurrency: GBP\nStock: 1\n\nx\n",
    "market/honey-again.md": "Title: Honey again\nSlug: honey\nPrice: 700\nCurrency: GBP\n\nx\n",
}

EXPECTED_LINES = [
    "content/blog/bad-date.md: date: '2026-13-45' is not a valid date",
    "content/blog/dead-link.md: link: /nowhere/ does not exist",
    "content/blog/dead-link.md: link: gone.md does not exist",
    "content/blog/dup-two.md: slug: 'same-slug' is already used by content/blog/dup-one.md",
    "content/blog/lead-no-alt.md: image_alt: missing for image images/dot.png",
    f"content/blog/no-alt.md: image: {SITE_URL}/images/dot.png has no alt text",
    "content/blog/no-title.md: title: missing",
    "content/market/bad-stock.md: stock: 'lots' is not a whole number >= 0 or 'unlimited'",
    "content/market/honey.md: slug: 'honey' is already used by content/market/honey-again.md",
    f"content/market/image-no-alt.md: image: {SITE_URL}/images/dot.png has no alt text",
    "content/market/image-no-alt.md: image_alt: missing for image images/dot.png",
    "content/market/negative.md: price: -5 is negative",
    "content/market/unknown-currency.md: currency: 'XYZ' is not an ISO 4217 currency code",
    "content/market/untitled.md: title: missing",
    "content/pages/untitled.md: title: missing",
]


def write_corpus(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content" / "images").mkdir(parents=True, exist_ok=True)
    (root / "content" / "images" / "dot.png").write_bytes(PNG)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    write_corpus(root, GOOD_FILES)
    run = run_build("content", "build", cwd=root, env=ENV)
    assert run.returncode == 0, run.stderr
    return root


def test_a_small_corpus_builds_with_its_own_site_url(good_build: Path) -> None:
    build = good_build / "build"
    post = (build / "blog/2026/first-post/index.html").read_text()
    assert f'<link rel="canonical" href="{SITE_URL}/blog/2026/first-post/">' in post
    assert (build / "market/honey/index.html").is_file()
    catalog = json.loads((build / "_data/catalog.json").read_text())
    assert catalog["site_url"] == SITE_URL
    assert [i["url"] for i in catalog["items"]] == [f"{SITE_URL}/market/honey/"]
    assert check_links(build, SITE_URL) == []


def test_a_post_appears_once_its_date_has_come(good_build: Path) -> None:
    build = good_build / "build"
    published = (_TODAY - timedelta(days=2)).year
    assert (build / f"blog/{published}/yesterday/index.html").is_file()
    feed = (build / "feeds/all.atom.xml").read_text()
    assert "/yesterday/" in feed and "/scheduled/" not in feed
    assert not list(build.rglob("scheduled"))
    assert not list(good_build.glob(".build.*")), "staging folders are cleaned up"


def test_every_error_is_reported_in_one_run_and_the_old_build_survives(
    good_build: Path, tmp_path: Path
) -> None:
    root = tmp_path / "site"
    shutil.copytree(good_build, root)
    before = snapshot(root / "build")
    write_corpus(root, BAD_FILES)

    run = run_build("content", "build", cwd=root, env=ENV)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = run.error_lines
    assert lines[:-1] == EXPECTED_LINES
    assert lines[-1] == f"Build failed: {len(EXPECTED_LINES)} errors; build was left unchanged"
    assert run.stdout == ""
    assert snapshot(root / "build") == before
    leftovers = [p.name for p in root.iterdir() if "staging" in p.name or ".old-" in p.name]
    assert leftovers == [], "the staging folder is removed after a failed build"


@pytest.mark.parametrize("name", ["market/negative.md", "blog/no-title.md", "blog/dead-link.md"])
def test_one_error_alone_fails_the_build(good_build: Path, tmp_path: Path, name: str) -> None:
    root = tmp_path / "site"
    shutil.copytree(good_build, root)
    write_corpus(root, {name: BAD_FILES[name]})
    run = run_build("content", "build", cwd=root, env=ENV)
    assert run.returncode == 1
    assert run.error_lines[:-1] == [
        line for line in EXPECTED_LINES if line.startswith(f"content/{name}:")
    ]


def test_a_missing_content_folder_is_one_line(tmp_path: Path) -> None:
    run = run_build("nothing-here", "build", cwd=tmp_path)
    assert run.returncode == 1
    assert run.error_lines == ["nothing-here: content folder not found"]
