"""Hostile titles, tags, summaries and product names are shown as text, never run as markup.

Every template autoescapes; only bodies and summaries are trusted, after the build sanitised
them. A small corpus full of ``</script>``, ``"`` and ``onload=`` is built with the real CLI
and every page is read back with an HTML5 parser, the way a browser would see it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.static.conftest import SITE_URL, run_build

TITLE = 'Quote "this" </script><script>alert(1)</script> & <b>that</b>'
TAG = '"><svg onload=alert(2)>'
PRODUCT = 'Jam <img src=x onerror=alert(3)> & "friends"'
EVENT = "</title><script>alert(4)</script> fair"

FILES = {
    "blog/hostile.md": (
        f"Title: {TITLE}\nDate: 2026-05-01 10:00\nTags: orchard, {TAG}\n"
        "Summary: A <script>alert(5)</script> summary with <em>emphasis</em> and "
        '<img src="x" onerror="alert(6)" alt="x">\n\n'
        "Body with **bold** text.\n\n<script>alert(7)</script>\n\n"
        '<a href="javascript:alert(8)" onclick="alert(9)">a link</a>\n'
    ),
    "blog/plain.md": "Title: Plain post\nDate: 2026-04-01 10:00\nTags: orchard\n\nHello.\n",
    "pages/about.md": "Title: About\n\nWe are a cooperative.\n",
    "pages/contact.md": "Title: Contact\n\nWrite to us.\n",
    "pages/account.md": "Title: Your account\nTemplate: account\n\nSign in.\n",
    "market/jam.md": (
        f"Title: {PRODUCT}\nSlug: jam\nPrice: 450\nCurrency: GBP\nStock: 3\n"
        "Category: pantry\nSummary: Sweet </script> stuff\n\nDamson jam.\n"
    ),
    "events/fair.md": (
        f"title: {EVENT}\nstart: 2027-06-19 12:00\nend: 2027-06-19 16:00\n"
        "venue: Barn & <Co> | Long Lane | Dartington | TQ9 6AB | GB\n"
        "summary: A fair\n\nStalls.\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, text in FILES.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    run = run_build("content", "build", cwd=root)
    assert run.returncode == 0, run.stderr
    return run.output


def pages(site: Path) -> dict[str, BeautifulSoup]:
    return {
        p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html5lib")
        for p in site.rglob("*.html")
    }


def test_no_page_gains_a_script_handler_or_svg_from_content(site: Path) -> None:
    found = pages(site)
    assert len(found) > 10
    for name, soup in found.items():
        for script in soup.find_all("script"):
            ours = script.get("type") == "application/ld+json" or (
                script.get("src", "").startswith(f"{SITE_URL}/theme/js/")
            )
            inline = script.string == 'document.documentElement.classList.add("js")'
            assert ours or inline, f"{name}: {script}"
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{name}: {tag.name} has {handlers}"
            for attr in ("href", "src"):
                assert not str(tag.get(attr, "")).lower().startswith("javascript:"), name
        svgs = [s for s in soup.find_all("svg") if "logo" not in s.get("class", [])]
        assert not svgs, f"{name}: {svgs}"


def test_the_title_reads_exactly_as_written_everywhere(site: Path) -> None:
    found = pages(site)
    post = next(soup for name, soup in found.items() if name.endswith("hostile/index.html"))
    assert post.h1.get_text() == TITLE
    assert post.find("meta", property="og:title")["content"] == TITLE
    assert post.title.get_text() == f"{TITLE} · Rose Ash"
    data = json.loads(post.find("script", type="application/ld+json").string)
    assert data["headline"] == TITLE
    listing = found["blog/index.html"]
    assert TITLE in [a.get_text() for a in listing.select(".card h2 a")]
    home = found["index.html"]
    assert TITLE in home.get_text()


def test_a_hostile_tag_is_text_in_tag_lists(site: Path) -> None:
    found = pages(site)
    post = next(soup for name, soup in found.items() if name.endswith("hostile/index.html"))
    tags = [a.get_text() for a in post.select("ul.tags a")]
    assert f"#{TAG}" in tags
    assert TAG in [m["content"] for m in post.find_all("meta", property="article:tag")]
    assert f"#{TAG}" in [a.get_text() for a in found["tag/index.html"].select(".taxonomy a")]


def test_summaries_and_bodies_keep_their_markup_but_lose_script(site: Path) -> None:
    found = pages(site)
    post = next(soup for name, soup in found.items() if name.endswith("hostile/index.html"))
    body = post.select_one(".prose")
    assert body.strong is not None and body.strong.get_text() == "bold"
    assert body.find("a", string="a link").get("href") is None  # javascript: URL dropped
    card = next(c for c in found["blog/index.html"].select(".card") if c.h2.get_text() == TITLE)
    assert card.select_one(".summary em").get_text() == "emphasis"
    assert "alert(5)" not in str(card)


def test_product_and_event_names_are_text(site: Path) -> None:
    found = pages(site)
    product = found["market/jam/index.html"]
    assert product.h1.get_text() == PRODUCT
    form = product.select_one("form[data-cart-form]")
    assert form["data-product-title"] == PRODUCT
    card_titles = [a.get_text() for a in found["market/index.html"].select(".product-card a")]
    assert PRODUCT in card_titles
    event = next(soup for name, soup in found.items() if name.startswith("events/fair"))
    assert event.h1.get_text() == EVENT
    assert event.title.get_text() == f"{EVENT} · Rose Ash"
