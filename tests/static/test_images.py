"""Responsive images: every picture offers AVIF/WebP at its slot's widths with a size, a
narrow source is a warning naming file and field, and derived files are made once."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, features

from tests.static.conftest import SITE_URL, BuildRun, run_build
from tests.static.linkcheck import check_links


def soup(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html5lib")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_image_has_a_size_and_every_content_image_a_srcset(sample_site: Path) -> None:
    pictures = 0
    for path in html_pages(sample_site):
        for img in soup(sample_site, path.relative_to(sample_site).as_posix()).find_all("img"):
            where = f"{path.relative_to(sample_site)}: {img}"
            assert img.get("width") and img.get("height"), where
            if "/images/" not in img["src"] or "/theme/" in img["src"]:
                continue
            picture = img.parent
            assert picture.name == "picture", where
            types = [s["type"] for s in picture.find_all("source")]
            expected = ["image/avif", "image/webp"] if features.check("avif") else ["image/webp"]
            assert types == expected, where
            for source in picture.find_all("source"):
                assert source["sizes"] and source["srcset"].count(" ") >= 1, where
            pictures += 1
    assert pictures > 50
    assert check_links(sample_site, SITE_URL) == []  # every srcset file exists


def test_markdown_body_images_become_lazy_pictures(sample_site: Path) -> None:
    post = soup(sample_site, "blog/2026/apple-harvest-2026/index.html")
    body_img = post.select_one(".prose picture img")
    assert body_img is not None
    assert body_img["loading"] == "lazy"
    assert body_img["alt"] == "Red apples in a wooden crate, some still with leaves"
    lead = post.select_one("figure.lead img")
    assert "loading" not in lead.attrs and lead["fetchpriority"] == "high"


def test_derived_files_have_the_width_they_claim(sample_site: Path) -> None:
    post = soup(sample_site, "blog/2026/apple-harvest-2026/index.html")
    srcset = post.select_one("figure.lead source[type='image/webp']")["srcset"]
    for candidate in srcset.split(","):
        url, width = candidate.split()
        file = sample_site / url.removeprefix(SITE_URL + "/")
        with Image.open(file) as image:
            assert image.format == "WEBP"
            assert image.width == int(width.rstrip("w"))
    assert int(width.rstrip("w")) == 1600  # the sample images are wide enough for the lead


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 60)).save(out, "PNG")
    return out.getvalue()


FILES = {
    "blog/narrow.md": "Title: Narrow\nDate: 2026-05-01 10:00\nImage: images/narrow.png\n"
    "Image_alt: A small red square\n\nText ![A small picture]({static}/images/tiny.png)\n",
    "pages/about.md": "Title: About\n\nAbout us.\n",
    "pages/contact.md": "Title: Contact\n\nWrite.\n",
    "pages/account.md": "Title: Account\nTemplate: account\n\nSign in.\n",
}


def _corpus(root: Path) -> None:
    for name, text in FILES.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content" / "images").mkdir(parents=True, exist_ok=True)
    (root / "content" / "images" / "narrow.png").write_bytes(_png(500, 300))
    (root / "content" / "images" / "tiny.png").write_bytes(_png(300, 200))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    _corpus(tmp_path)
    return tmp_path


def _build(root: Path, output: str, cache: Path) -> BuildRun:
    run = run_build("content", output, cwd=root, env={"RA_IMAGE_CACHE": str(cache)})
    assert run.returncode == 0, run.stderr
    return run


def test_a_source_narrower_than_its_slot_is_a_warning_naming_file_and_field(
    corpus: Path,
) -> None:
    run = _build(corpus, "build", corpus / "cache")
    assert run.warnings == [
        "warning: content/blog/narrow.md: body: images/tiny.png is 300 px wide; "
        "the body slot shows it up to 1200 px wide",
        "warning: content/blog/narrow.md: image: images/narrow.png is 500 px wide; "
        "the lead slot shows it up to 1600 px wide",
    ]
    page = soup(run.output, "blog/2026/narrow/index.html")
    webp = page.select_one("figure.lead source[type='image/webp']")["srcset"]
    assert [c.split()[1] for c in webp.split(",")] == ["400w", "500w"]  # never upscaled


def test_many_narrow_uses_are_one_line_naming_each_image(corpus: Path) -> None:
    for index in range(12):
        (corpus / "content" / "blog" / f"small-{index:02d}.md").write_text(
            f"Title: Small {index}\nDate: 2026-05-{index + 2:02d} 10:00\n"
            "Image: images/tiny.png\nImage_alt: A tiny red square\n\nText.\n",
            encoding="utf-8",
        )
    run = _build(corpus, "build", corpus / "cache")
    assert run.warnings == [
        "warning: 2 images narrower than the slots that show them, in 14 places (they show "
        "soft): images/tiny.png (300 px; up to 1600 px in the lead slot; 13 uses, e.g. "
        "content/blog/narrow.md: body); images/narrow.png (500 px; up to 1600 px in the lead "
        "slot; 1 use, e.g. content/blog/narrow.md: image)"
    ]


def test_derived_images_are_made_once_and_reused_by_content_hash(corpus: Path) -> None:
    cache = corpus / "cache"
    _build(corpus, "one", cache)
    made = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(made) >= 4
    second = _build(corpus, "two", cache)
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == made  # nothing re-encoded
    derived = sorted(p.name for p in (second.output / "images").iterdir())
    assert any(name.startswith("narrow.400w.") and name.endswith(".webp") for name in derived)
    # a changed image (same name) gets new files; the old ones stay valid for old builds
    (corpus / "content" / "images" / "narrow.png").write_bytes(_png(520, 300))
    os.utime(corpus / "content" / "images" / "narrow.png")
    _build(corpus, "two", cache)
    assert len(list(cache.iterdir())) > len(made)


def test_a_gallery_entry_without_alt_or_file_is_a_content_error(corpus: Path) -> None:
    (corpus / "content" / "market").mkdir()
    (corpus / "content" / "market" / "jam.md").write_text(
        "Title: Jam\nPrice: 300\nCurrency: GBP\nStock: 2\nCategory: pantry\n"
        "Gallery: images/narrow.png; images/gone.png = A jar\n\nJam.\n",
        encoding="utf-8",
    )
    run = run_build("content", "build", cwd=corpus, env={"RA_IMAGE_CACHE": str(corpus / "c")})
    assert run.returncode == 1
    assert run.error_lines[:2] == [
        "content/market/jam.md: gallery: images/gone.png does not exist",
        "content/market/jam.md: gallery: images/narrow.png has no alt text",
    ]
