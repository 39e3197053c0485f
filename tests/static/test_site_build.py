"""The sample site as a reader, a crawler and a feed reader see it."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest
from bs4 import BeautifulSoup

from tests.static.conftest import SAMPLE_CONTENT, SITE_URL, BuildRun
from tests.static.linkcheck import check_links

PUBLISHED_POSTS = sorted(
    p.stem
    for p in (SAMPLE_CONTENT / "blog").glob("*.md")
    if "Status: draft" not in p.read_text() and not p.stem.endswith("2027")
)
HIDDEN_POSTS = ["next-years-plans", "blossom-forecast-2027"]


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_sample_has_the_promised_content() -> None:
    assert len(PUBLISHED_POSTS) >= 12
    assert all((SAMPLE_CONTENT / "blog" / f"{slug}.md").exists() for slug in HIDDEN_POSTS)


def test_build_ends_with_one_summary_line(sample_build: BuildRun) -> None:
    lines = sample_build.stdout.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"Built .+: \d+ pages written, \d+ unchanged, 0 errors in \d+\.\d\d s", lines[0]
    )
    assert sample_build.stderr.strip() == ""


def test_every_internal_link_and_asset_resolves(sample_site: Path) -> None:
    assert check_links(sample_site, SITE_URL) == []


def test_the_link_checker_notices_a_missing_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        f'<a href="{SITE_URL}/gone/">x</a><a href="/here/">y</a><img src="pic.png" alt="z">'
    )
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "index.html").write_text("ok")
    assert [b.url for b in check_links(tmp_path, SITE_URL)] == [f"{SITE_URL}/gone/", "pic.png"]


def test_every_html_page_parses_without_errors(sample_site: Path) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in html_pages(sample_site):
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{page.relative_to(sample_site)}: {exc}")


def test_pages_are_accessible_landmarks_headings_and_alt(sample_site: Path) -> None:
    for page in html_pages(sample_site):
        name = page.relative_to(sample_site).as_posix()
        doc = soup(page)
        assert doc.html.get("lang") == "en", name
        for landmark in ("header", "main", "footer", "nav"):
            assert doc.find(landmark), f"{name}: no <{landmark}>"
        skip = doc.find("a", class_="skip-link")
        assert skip and skip["href"] == "#main" and doc.find(id="main").name == "main", name
        assert len(doc.find_all("h1")) == 1, f"{name}: needs exactly one h1"
        levels = [int(h.name[1]) for h in doc.find_all(re.compile(r"^h[1-6]$"))]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{name}: heading h{before} is followed by h{after}"
        for img in doc.find_all("img"):
            assert img.has_attr("alt"), f"{name}: {img.get('src')} has no alt"


def test_content_images_have_real_alt_text(sample_site: Path) -> None:
    for page in (sample_site / "blog" / "2026").glob("*/index.html"):
        for img in soup(page).find("main").find_all("img"):
            assert img["alt"].strip(), f"{page}: {img['src']}"


def test_canonical_and_opengraph(sample_site: Path) -> None:
    for page in html_pages(sample_site):
        relative = page.relative_to(sample_site).as_posix()
        doc = soup(page)
        canonical = doc.find("link", rel="canonical")["href"]
        expected = f"{SITE_URL}/{relative.removesuffix('index.html')}"
        assert canonical == expected, relative
        og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
        assert og["og:url"] == canonical
        assert og["og:title"] and og["og:image"].startswith(SITE_URL)
    post = soup(sample_site / "blog/2026/spring-open-day/index.html")
    assert post.find("meta", property="og:type")["content"] == "article"
    assert "orchard-blossom." in post.find("meta", property="og:image")["content"]


def test_blog_pages_listings_and_archives(sample_site: Path) -> None:
    for slug in PUBLISHED_POSTS:
        assert (sample_site / "blog" / "2026" / slug / "index.html").is_file(), slug
    assert (sample_site / "blog/index.html").is_file()
    assert (sample_site / "blog/page/2/index.html").is_file()
    for path in ("tag/orchard", "category/bakery", "author/maya-okafor", "blog/archives"):
        assert (sample_site / path / "index.html").is_file(), path
    archive = soup(sample_site / "blog/archives/index.html").find("main").get_text()
    assert "A heavy apple harvest" in archive
    listed = set()
    for page in ("blog/index.html", "blog/page/2/index.html", "blog/page/3/index.html"):
        if (sample_site / page).exists():
            listed |= {a["href"] for a in soup(sample_site / page).select("main .card h2 a")}
    assert listed == {f"{SITE_URL}/blog/2026/{slug}/" for slug in PUBLISHED_POSTS}
    tagged = soup(sample_site / "tag/bees/index.html").select("main .card h2 a")
    assert [a.get_text() for a in tagged] == ["Two new hives for the orchard"]


def test_navigation_menu_marks_the_current_section(sample_site: Path) -> None:
    nav = soup(sample_site / "market/index.html").find("nav", attrs={"aria-label": "Main"})
    labels = [a.get_text() for a in nav.find_all("a")]
    assert labels[:1] == ["Blog"] and "Market" in labels and "About" in labels
    assert nav.find("a", attrs={"aria-current": "page"}).get_text() == "Market"


def test_drafts_and_future_posts_are_nowhere(sample_site: Path) -> None:
    for file in sample_site.rglob("*"):
        if file.suffix in (".html", ".xml", ".json", ".txt"):
            text = file.read_text(encoding="utf-8")
            for slug in HIDDEN_POSTS:
                assert slug not in text, f"{slug} leaked into {file.relative_to(sample_site)}"
    assert not (sample_site / "drafts").exists()


def test_atom_feeds_are_valid(sample_site: Path) -> None:
    feed = feedparser.parse((sample_site / "feeds/all.atom.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert {e.link for e in feed.entries} == {
        f"{SITE_URL}/blog/2026/{slug}/" for slug in PUBLISHED_POSTS
    }
    tag_feed = feedparser.parse((sample_site / "feeds/tag-bees.atom.xml").read_bytes())
    assert tag_feed.bozo == 0
    assert [e.title for e in tag_feed.entries] == ["Two new hives for the orchard"]
    for path in (sample_site / "feeds").glob("*.atom.xml"):
        assert feedparser.parse(path.read_bytes()).bozo == 0, path.name


def test_sitemap_robots_and_404(sample_site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ElementTree.parse(sample_site / "sitemap.xml").getroot()
    locs = {loc.text for loc in sitemap.findall("s:url/s:loc", ns)}
    assert f"{SITE_URL}/" in locs and f"{SITE_URL}/market/wildflower-honey/" in locs
    assert {f"{SITE_URL}/blog/2026/{s}/" for s in PUBLISHED_POSTS} <= locs
    assert f"{SITE_URL}/404.html" not in locs
    robots = (sample_site / "robots.txt").read_text()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots.splitlines()
    not_found = soup(sample_site / "404.html")
    assert not_found.find("h1").get_text() == "Page not found"
    assert not_found.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_posts_carry_blogposting_jsonld(sample_site: Path) -> None:
    for slug in PUBLISHED_POSTS:
        doc = soup(sample_site / "blog" / "2026" / slug / "index.html")
        blocks = [json.loads(s.string) for s in doc.find_all("script", type="application/ld+json")]
        posting = next(b for b in blocks if b["@type"] == "BlogPosting")
        assert posting["headline"] == doc.find("h1").get_text()
        assert posting["url"] == f"{SITE_URL}/blog/2026/{slug}/"
        published = doc.find("article").find("time")["datetime"]
        assert posting["datePublished"] == published
        byline = [a.get_text() for a in doc.select("article header a[rel=author]")]
        assert [person["name"] for person in posting["author"]] == byline
