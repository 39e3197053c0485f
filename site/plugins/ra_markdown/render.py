"""Markdown to HTML with pulldown-cmark (through ``pyromark``), shaped like Python-Markdown's.

Python-Markdown with ``extra`` and ``smarty`` parsed a 4,500-word post in 0.1-0.2 s: a build
of 1,000 such posts spent minutes there. pulldown-cmark (Rust, CommonMark) does it in under a
millisecond. Its HTML differs from Python-Markdown's in form; the few forms a page or a
feed reader would notice are rewritten to Python-Markdown's here:

- Pelican's link placeholders (``{static}``, ``{filename}``, ``|filename|``) stay as written
  (pulldown-cmark percent-encodes the braces, and Pelican would no longer resolve them);
- footnotes are collected at the end in Python-Markdown's ``div.footnote`` list with
  back-links (pulldown-cmark leaves each where it was defined);
- tables are laid out one tag a line, with Python-Markdown's ``style="text-align: right;"``;
- ``"`` in a code block is written ``&quot;``;
- typographic quotes, dashes and ellipses are written as the entities ``smarty`` writes
  (``&rsquo;``), images as ``<img alt="..." src="...">`` with the alt text as typed (smarty
  leaves it alone), and ``<hr>``/``<br>`` without the XHTML slash, as Python-Markdown's
  ``html5`` output does.

What stays different (CommonMark rules, smart quotes as characters, ...) is listed for
editors in docs/markdown.md; ``tests/static/test_markdown_reader.py`` holds both engines'
output of the sample and fixture content to each other.
"""

from __future__ import annotations

import re

import pyromark

OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_DEFINITION_LIST
)
_PLACEHOLDER = re.compile(r'(href|src)="(?:%7B(\w+)%7D|%7C(\w+)%7C)')
_ALIGN = re.compile(r'style="text-align: (left|right|center)"')
#: what smarty writes for the characters pulldown-cmark's smart punctuation gives
_ENTITIES = (
    ("\u2018", "&lsquo;"),
    ("\u2019", "&rsquo;"),
    ("\u201c", "&ldquo;"),
    ("\u201d", "&rdquo;"),
    ("\u2013", "&ndash;"),
    ("\u2014", "&mdash;"),
    ("\u2026", "&hellip;"),
)
#: Typed curly quotes, dashes and ellipses stay as typed (smarty leaves them): they travel
#: through pulldown-cmark as private-use stand-ins, so only its own smart punctuation
#: becomes entities.
_AS_TYPED = {char: chr(0xE000 + i) for i, (char, _entity) in enumerate(_ENTITIES)}
_PROTECT = str.maketrans(_AS_TYPED)
_RESTORE = str.maketrans({stand_in: char for char, stand_in in _AS_TYPED.items()})
#: alt text as typed: smart punctuation undone (smarty never touches it)
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": "&quot;",
        "\u201d": "&quot;",
        "\u2013": "--",
        "\u2014": "---",
        "\u2026": "...",
    }
)
_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"((?: title="[^"]*")?) />')
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_TABLE_BREAKS = ("<table>", "<thead>", "<tbody>", "<tr>", "</th>", "</td>", "</tr>", "</thead>",
                 "</tbody>")  # fmt: skip
_CODE_BLOCK = re.compile(r"(<pre><code[^>]*>)(.*?)(</code></pre>)", re.S)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-reference"><a href="#([^"]+)">(\d+)</a></sup>')
_FOOTNOTE_DEF = re.compile(
    r'<div class="footnote-definition" id="([^"]+)">'
    r'<sup class="footnote-definition-label">(\d+)</sup>\n(.*?)</div>\n',
    re.S,
)


def _placeholder(match: re.Match[str]) -> str:
    name = match.group(2)
    return f'{match.group(1)}="{{{name}}}' if name else f'{match.group(1)}="|{match.group(3)}|'


def _footnote_ref(match: re.Match[str]) -> str:
    label, number = match.group(1), match.group(2)
    return f'<sup id="fnref:{label}"><a class="footnote-ref" href="#fn:{label}">{number}</a></sup>'


def _footnotes(html: str) -> str:
    """pulldown-cmark's footnotes in Python-Markdown's form: references, then one list at
    the end with a back-link in each note's last paragraph."""
    notes: list[tuple[int, str, str]] = []

    def collect(match: re.Match[str]) -> str:
        label, number, body = match.group(1), int(match.group(2)), match.group(3).rstrip("\n")
        back = (
            f'&#160;<a class="footnote-backref" href="#fnref:{label}" '
            f'title="Jump back to footnote {number} in the text">&#8617;</a>'
        )
        if body.endswith("</p>"):
            body = body[: -len("</p>")] + back + "</p>"
        else:
            body += f"\n<p>{back}</p>"
        notes.append((number, label, body))
        return ""

    if "<div" in "".join(m.group(3) for m in _FOOTNOTE_DEF.finditer(html)):
        return html  # a note holding raw <div>s: left as pulldown-cmark wrote it
    html = _FOOTNOTE_DEF.sub(collect, html)
    html = _FOOTNOTE_REF.sub(_footnote_ref, html)
    if not notes:
        return html
    items = "".join(f'<li id="fn:{label}">\n{body}\n</li>\n' for _, label, body in sorted(notes))
    return f'{html.rstrip()}\n<div class="footnote">\n<hr>\n<ol>\n{items}</ol>\n</div>'


def _image(match: re.Match[str]) -> str:
    alt = match.group(2).translate(_PLAIN)
    return f'<img alt="{alt}" src="{match.group(1)}"{match.group(3)}>'


def _table(match: re.Match[str]) -> str:
    table = match.group(0).replace("\n", "")
    for tag in _TABLE_BREAKS:
        table = table.replace(tag, tag + "\n")
    return table


def _code_block(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2).replace('"', "&quot;") + match.group(3)


def render(text: str) -> str:
    """HTML of a Markdown text (no trailing newline, as Python-Markdown gives it)."""
    html = pyromark.html(text.translate(_PROTECT), options=OPTIONS)
    if "%7" in html:
        html = _PLACEHOLDER.sub(_placeholder, html)
    if "footnote-" in html:
        html = _footnotes(html)
    if "<table>" in html:
        html = _TABLE.sub(_table, html)
        if "text-align: " in html:
            html = _ALIGN.sub(lambda m: f'style="text-align: {m.group(1)};"', html)
    if "<pre><code" in html:
        html = _CODE_BLOCK.sub(_code_block, html)
    if "<img " in html:
        html = _IMAGE.sub(_image, html)
    if " />" in html:
        html = html.replace("<hr />", "<hr>").replace("<br />", "<br>")
    for char, entity in _ENTITIES:
        if char in html:
            html = html.replace(char, entity)
    return html.translate(_RESTORE).rstrip("\n")
