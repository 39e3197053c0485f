"""A synthetic content folder in Rose Ash's format, for the build benchmark and build tests.

    python bench/make_corpus.py OUT --posts 1000 --events 200 --products 300

Deterministic for a given seed: posts with tags, categories, authors, images with alt text and
links to earlier posts; events with venues, ticket types and a weekly recurrence; market
products with prices, stock and categories; the about and contact pages. Every date is in the
past or the near future relative to a fixed anchor, so the output does not depend on today
except for which events count as upcoming.

Two flavours: ``short`` (the bench's first corpus: posts of 150-300 words) and ``code``
(posts of 2,000-5,000 words with fenced code in several languages, a table, a footnote and
smart quotes: what a cooperative's how-to posts look like, and where a Markdown engine's
speed shows).
"""

from __future__ import annotations

import argparse
import random
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

_WORD_TEXT = """
orchard apple pear quince blossom hive honey bread oven sourdough rye spelt loaf jam preserve
workshop timber chair joinery harvest cider press barn meadow hedge compost member cooperative
meeting volunteer market stall basket season frost pruning graft rootstock seedling greenhouse
kiln pottery glaze wool loom weave bench chisel plane saw nettle elder bramble damson plum
cherry walnut hazel willow path gate field
"""
WORDS = tuple(_WORD_TEXT.split())
TAGS = [
    "orchard", "honey", "bakery", "workshop", "harvest", "cider", "bees", "pruning",
    "volunteers", "market-day", "preserves", "woodwork", "pottery", "weaving", "compost",
    "meeting", "open-day", "wildlife", "recipes", "members", "grafting", "seedlings",
    "greenhouse", "hedgerow", "frost", "spring", "summer", "autumn", "winter", "news",
    "families", "courses", "tools", "timber", "rye", "sourdough", "jam", "wool", "kiln", "bread",
]  # fmt: skip
CATEGORIES = ["news", "orchard", "bakery", "workshop", "community", "recipes"]
AUTHORS = ["Ada Hart", "Ben Okafor", "Cleo Marsh", "Dev Patel", "Esme Fox", "Finn Walsh"]
PRODUCT_CATEGORIES = ["pantry", "bakery", "preserves", "crafts", "garden", "gifts"]
VENUES = [
    "Rose Ash barn | Orchard Lane 4 | Stroud | GL5 1AA | GB",
    "Village hall | Church Street 12 | Stroud | GL5 2BB | GB",
    "Community kitchen | Mill Road 7 | Nailsworth | GL6 0CC | GB",
]
#: Fixed reference time: post dates lie before it, about a third of the events after it.
ANCHOR = datetime(2026, 11, 1, 9, 0)
N_IMAGES = 12


FLAVOURS = ("short", "code")
#: (language, body) of the fenced code blocks a ``code`` post shows, in turn
CODE_SAMPLES = (
    ("python", 'def harvest(trees: list[str]) -> dict[str, int]:\n    """Count apples."""\n'
     '    return {tree: len(tree) * 3 for tree in trees if tree != "quince"}\n'),
    ("javascript", "const basket = document.querySelector('#basket');\n"
     "basket.addEventListener('click', (event) => {\n"
     "  event.target.classList.toggle('full');\n});\n"),
    ("bash", "for f in content/blog/*.md; do\n"
     "  grep -c 'Tags:' \"$f\" && echo \"$f <ok>\"\ndone\n"),
    ("sql", "SELECT member, SUM(hours) AS total\nFROM volunteer_shift\n"
     "WHERE season = 'autumn' AND hours > 2\nGROUP BY member ORDER BY total DESC;\n"),
    ("yaml", "orchard:\n  rows: 12\n  varieties: [bramley, cox, 'egremont russet']\n"
     "  pruning: {month: january, tools: [saw, loppers]}\n"),
    ("html", '<figure class="loaf">\n  <img src="/images/rye.png" alt="A rye loaf & butter">\n'
     "  <figcaption>Rye &lt;100%&gt;</figcaption>\n</figure>\n"),
    ("rust", "fn press(apples: u32) -> f64 {\n    let litres = f64::from(apples) * 0.12;\n"
     "    if litres > 40.0 { 40.0 } else { litres }\n}\n"),
)  # fmt: skip


@dataclass(frozen=True)
class Corpus:
    """Where the generated files are and how many of each were written."""

    content: Path
    posts: int
    events: int
    products: int

    def post_path(self, index: int) -> Path:
        return self.content / "blog" / f"post-{index:05d}.md"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 6)))


def png(seed: int) -> bytes:
    """A valid 8x8 RGB PNG whose colour depends on ``seed`` (no imaging library needed)."""
    red, green, blue = (seed * 53) % 256, (seed * 97) % 256, (seed * 151) % 256
    row = b"\x00" + bytes((red, green, blue)) * 8
    raw = zlib.compress(row * 8)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def post_text(rng: random.Random, index: int) -> str:
    """One blog post: Pelican Markdown metadata, then a body with a heading, list and links."""
    date = ANCHOR - timedelta(hours=7 * (index + 1) + rng.randint(0, 5))
    tags = ", ".join(sorted(rng.sample(TAGS, rng.randint(1, 3))))
    title = _sentence(rng, rng.randint(3, 7)).rstrip(".")
    image = rng.randrange(N_IMAGES)
    lines = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Tags: {tags}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Author: {rng.choice(AUTHORS)}",
        f"Summary: {_sentence(rng, 14)}",
        f"Image: images/picture-{image:02d}.png",
        f"Image_alt: A picture of the {rng.choice(WORDS)} by the {rng.choice(WORDS)}",
        "",
        _paragraph(rng),
        "",
        f"## {_sentence(rng, 4).rstrip('.')}",
        "",
        _paragraph(rng),
        "",
    ]
    lines += [f"- {_sentence(rng, rng.randint(3, 8))}" for _ in range(rng.randint(2, 5))]
    lines += ["", _paragraph(rng), ""]
    return "\n".join(lines + _post_end(rng, index, image))


def _post_end(rng: random.Random, index: int, image: int) -> list[str]:
    """A link to an earlier post (all but the first) and a picture with alt text."""
    lines = []
    if index > 0:
        earlier = rng.randrange(index)
        lines += [f"See also [an earlier post]({{filename}}/blog/post-{earlier:05d}.md).", ""]
    alt = f"The {rng.choice(WORDS)} in the {rng.choice(WORDS)}"
    return [*lines, f"![{alt}]({{static}}/images/picture-{image:02d}.png)", ""]


def long_post_text(rng: random.Random, index: int) -> str:
    """A ``code`` post: 2,000-5,000 words in sections, fenced code in several languages, a
    table, a footnote, quotes and apostrophes for the smart-quote extension."""
    head = post_text(rng, index).split("\n\n", 1)[0]  # the same front matter fields
    target = rng.randint(2000, 5000)
    lines = [head, ""]
    words = 0
    section = 0
    while words < target:
        section += 1
        lines += [f"## {section}. {_sentence(rng, 4).rstrip('.')}", ""]
        for _ in range(rng.randint(2, 4)):
            paragraph = _paragraph(rng)
            lines += [paragraph, ""]
            words += len(paragraph.split())
        language, code = CODE_SAMPLES[(index + section) % len(CODE_SAMPLES)]
        lines += [f"```{language}", code.rstrip("\n"), "```", ""]
        if section % 3 == 0:
            lines += [
                f"The \"{rng.choice(WORDS)}\" row isn't what we'd planned -- "
                f"see the note.[^n{section}]",
                "",
                "| tree | rows | yield (kg) |",
                "| --- | ---: | ---: |",
                *(f"| {rng.choice(WORDS)} | {rng.randint(1, 12)} | {rng.randint(5, 90)} |"
                  for _ in range(3)),
                "",
                f"[^n{section}]: Counted by the {rng.choice(WORDS)} volunteers.",
                "",
            ]  # fmt: skip
        if section % 4 == 0:
            lines += [f"- {_sentence(rng, rng.randint(4, 9))}" for _ in range(3)] + [""]
    return "\n".join(lines + _post_end(rng, index, index % N_IMAGES))


def event_text(rng: random.Random, index: int) -> str:
    """One event: local start/end, venue, ticket types; every tenth recurs weekly."""
    start = ANCHOR + timedelta(days=3 * index - 400, hours=rng.randint(0, 8))
    days = 1 if index % 7 == 0 else 0
    end = start + timedelta(days=days, hours=rng.randint(1, 5))
    title = _sentence(rng, rng.randint(2, 5)).rstrip(".")
    adult = rng.choice([0, 300, 500, 1200, 2500])
    lines = [
        f"Title: {title}",
        f"Start: {start:%Y-%m-%d %H:%M}",
        f"End: {end:%Y-%m-%d %H:%M}",
        "Timezone: Europe/London",
        f"Venue: {rng.choice(VENUES)}",
        f"Tickets: adult | Adult | {adult} | GBP | {rng.randint(10, 200)}; "
        f"child | Child | 0 | GBP | {rng.randint(5, 50)}",
        f"Summary: {_sentence(rng, 12)}",
    ]
    if index % 10 == 0:
        lines.append("Rrule: FREQ=WEEKLY;COUNT=6")
    lines += ["", _paragraph(rng), "", _paragraph(rng), ""]
    return "\n".join(lines)


def product_text(rng: random.Random, index: int) -> str:
    """One market product: price in minor units, currency, stock, category, image."""
    title = _sentence(rng, rng.randint(2, 4)).rstrip(".")
    image = rng.randrange(N_IMAGES)
    stock = "" if index % 9 == 0 else str(rng.randint(0, 80))
    lines = [
        f"Title: {title}",
        f"Price: {rng.randint(150, 6000)}",
        "Currency: GBP",
        f"Stock: {stock}" if stock else "Stock: unlimited",
        f"Category: {rng.choice(PRODUCT_CATEGORIES)}",
        f"Summary: {_sentence(rng, 10)}",
        f"Image: images/picture-{image:02d}.png",
        f"Image_alt: {title} on the market table",
        "",
        _paragraph(rng),
        "",
    ]
    return "\n".join(lines)


PAGES = {
    "about": "Title: About us\n\nRose Ash is a cooperative orchard, bakery and workshop.\n",
    "contact": "Title: Contact\n\nWrite to us at hello@rose-ash.example.coop.\n",
}


def generate(
    root: Path,
    posts: int = 1000,
    events: int = 200,
    products: int = 300,
    seed: int = 1,
    flavour: str = "short",
) -> Corpus:
    """Write ``root/content`` (replacing nothing else) and return where things are."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour: one of {', '.join(FLAVOURS)}, not {flavour!r}")
    make_post = long_post_text if flavour == "code" else post_text
    content = root / "content"
    for folder in ("blog", "events", "market", "pages", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(N_IMAGES):
        (content / "images" / f"picture-{index:02d}.png").write_bytes(png(index))
    corpus = Corpus(content=content, posts=posts, events=events, products=products)
    for index in range(posts):
        corpus.post_path(index).write_text(make_post(rng, index), encoding="utf-8")
    for index in range(events):
        path = content / "events" / f"event-{index:04d}.md"
        path.write_text(event_text(rng, index), encoding="utf-8")
    for index in range(products):
        path = content / "market" / f"product-{index:04d}.md"
        path.write_text(product_text(rng, index), encoding="utf-8")
    for slug, text in PAGES.items():
        (content / "pages" / f"{slug}.md").write_text(text, encoding="utf-8")
    return corpus


def edit_post(path: Path, note: str = "An added sentence for the one-post edit.") -> None:
    """Append a paragraph to a post's body (title, date and tags stay as they were)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{note}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", type=Path, help="folder to create content/ in")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flavour", choices=FLAVOURS, default="short")
    args = parser.parse_args()
    corpus = generate(args.root, args.posts, args.events, args.products, args.seed, args.flavour)
    print(f"{corpus.content}: {args.posts} posts, {args.events} events, {args.products} products")


if __name__ == "__main__":
    main()
