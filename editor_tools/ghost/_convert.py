"""Ghost HTML -> clean Markdown (markdownify), with Ghost's URLs rewritten for this site.

Ghost "cards" with a Markdown equivalent become Markdown (image and gallery cards: images
with their alt text and a caption line; bookmark cards: a link); the others (embeds, callouts,
buttons, ``<!--kg-card-begin: html-->`` blocks) stay as HTML, which Markdown passes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Tag
from markdownify import markdownify

GHOST_URL = "__GHOST_URL__"
IMAGES_PREFIX = "/content/images/"
_SIZE_VARIANT = re.compile(r"^size/w\d+/(?:format/\w+/)?")
_KEEP = "ra-ghost-keep-{}"
_HTML_CARD = re.compile(r"<!--kg-card-begin: html-->(.*?)<!--kg-card-end: html-->", re.S)
_KEPT_CARDS = ("kg-embed-card", "kg-callout-card", "kg-button-card", "kg-toggle-card",
               "kg-video-card", "kg-audio-card", "kg-file-card", "kg-product-card",
               "kg-header-card", "kg-signup-card")  # fmt: skip


@dataclass
class Rewriter:
    """Maps Ghost's URLs to this site's: other imported posts become ``{filename}`` links,
    Ghost's images are copied from ``images`` (Ghost's ``content/images``) when there, or
    kept as links (to ``ghost_url`` when given) and listed."""

    targets: dict[str, str]
    """Ghost slug -> ``{filename}/blog/x.md`` of every imported post and page."""
    images: Path | None
    ghost_url: str = ""
    copies: dict[Path, str] = field(default_factory=dict)
    """Ghost image file -> its path in the content folder (``images/ghost/2025/06/x.png``)."""
    kept: set[str] = field(default_factory=set)

    def link(self, url: str) -> str:
        if not url.startswith(GHOST_URL):
            return url
        path = url[len(GHOST_URL) :] or "/"
        if path.startswith(IMAGES_PREFIX):
            return self.image(url)
        slug = path.strip("/").split("/")[-1] if path.strip("/") else ""
        return self.targets.get(slug, path)

    def image_file(self, url: str) -> str | None:
        """``images/ghost/…`` in the content folder when the image can be copied."""
        if not url.startswith(GHOST_URL + IMAGES_PREFIX) or self.images is None:
            return None
        relative = _SIZE_VARIANT.sub("", url[len(GHOST_URL + IMAGES_PREFIX) :])
        source = self.images / relative
        if not source.is_file() or ".." in Path(relative).parts:
            return None
        self.copies[source] = f"images/ghost/{relative}"
        return self.copies[source]

    def image(self, url: str) -> str:
        copied = self.image_file(url)
        if copied is not None:
            return "{static}/" + copied
        if url.startswith(GHOST_URL):
            self.kept.add(url)
            return self.ghost_url.rstrip("/") + url[len(GHOST_URL) :]
        return url


def _image_markdown(img: Tag, rewriter: Rewriter) -> str:
    alt = " ".join(str(img.get("alt") or "").split()).replace("]", "\\]")
    return f"![{alt}]({rewriter.image(str(img.get('src') or ''))})"


def _simplify_cards(soup: BeautifulSoup, rewriter: Rewriter, kept: list[str]) -> None:
    for card in soup.select("figure.kg-image-card, figure.kg-gallery-card"):
        caption = card.find("figcaption")
        lines = [_image_markdown(img, rewriter) for img in card.find_all("img")]
        if caption is not None and caption.get_text(strip=True):
            lines.append(f"*{caption.get_text(' ', strip=True)}*")
        card.replace_with(_placeholder(soup, kept, "\n\n".join(lines)))
    for card in soup.select("figure.kg-bookmark-card"):
        anchor = card.find("a")
        title = card.select_one(".kg-bookmark-title")
        href = rewriter.link(str(anchor.get("href") or "")) if anchor else ""
        text = title.get_text(" ", strip=True) if title else href
        card.replace_with(_placeholder(soup, kept, f"[{text}]({href})"))
    for name in _KEPT_CARDS:
        for card in soup.select(f".{name}"):
            for tag in card.find_all(["a", "img"]):
                attr = "href" if tag.name == "a" else "src"
                if tag.get(attr):
                    tag[attr] = rewriter.link(str(tag[attr]))
            card.replace_with(_placeholder(soup, kept, str(card)))


def _placeholder(soup: BeautifulSoup, kept: list[str], text: str) -> Tag:
    kept.append(text)
    paragraph = soup.new_tag("p")
    paragraph.string = _KEEP.format(len(kept) - 1)
    return paragraph


def _code_language(pre: Tag) -> str:
    """``language-python`` on the ``<code>`` inside a ``<pre>`` -> ``python``."""
    code = pre.find("code")
    classes = code.get_attribute_list("class") if isinstance(code, Tag) else []
    return next((c[len("language-") :] for c in classes if c and c.startswith("language-")), "")


def to_markdown(html: str, rewriter: Rewriter) -> str:
    """Clean Markdown for one Ghost body."""
    kept: list[str] = []

    def keep_html_card(match: re.Match[str]) -> str:
        kept.append(match.group(1).strip())
        return f"<p>{_KEEP.format(len(kept) - 1)}</p>"

    soup = BeautifulSoup(_HTML_CARD.sub(keep_html_card, html), "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    _simplify_cards(soup, rewriter, kept)
    for tag in soup.find_all("a", href=True):
        tag["href"] = rewriter.link(str(tag["href"]))
    for tag in soup.find_all("img"):
        tag["src"] = rewriter.image(str(tag.get("src") or ""))
        for attr in ("srcset", "sizes", "width", "height", "loading"):
            tag.attrs.pop(attr, None)
    text = markdownify(
        str(soup),
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        code_language_callback=_code_language,
    )
    for index, block in enumerate(kept):
        text = text.replace(_KEEP.format(index), block)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text + "\n"
