"""Where images appear in the theme, how wide each place can get, and the widths to make.

A slot's ``sizes`` tells the browser how wide the image will be drawn (CSS px, matching
site.css); ``largest`` is the widest file it can use (its widest rendering at 2x pixel
density). A source narrower than ``largest`` looks soft on a sharp screen: the build warns.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Widths made of every source (only those narrower than the source, plus the source's own
#: width up to the widest), shared by all slots so one file serves several places.
LADDER = (400, 800, 1200, 1600)


@dataclass(frozen=True)
class Slot:
    name: str
    largest: int
    sizes: str


SLOTS = {
    slot.name: slot
    for slot in (
        # lead picture of a post, page or event; the home page's lead story
        Slot(
            "lead",
            1600,
            "(min-width: 72rem) 52rem, (min-width: 60rem) calc(100vw - 22rem), calc(100vw - 2rem)",
        ),
        # pictures inside a Markdown body (.prose is at most 40rem wide)
        Slot("body", 1200, "(min-width: 44rem) 40rem, calc(100vw - 2rem)"),
        # a post or event card: one column on phones, up to three on wide screens
        Slot("card", 800, "(min-width: 60rem) 17rem, (min-width: 36rem) 45vw, calc(100vw - 4rem)"),
        # the big picture on a product page: full width on phones, half the column above
        Slot("product", 1200, "(min-width: 60rem) 26rem, calc(100vw - 2rem)"),
        # product grid cards: two columns on phones
        Slot("thumb", 800, "(min-width: 60rem) 14rem, calc(50vw - 2rem)"),
    )
}


def derived_widths(source_width: int) -> tuple[int, ...]:
    """The widths made of a source: the ladder's narrower steps and the source (capped)."""
    top = min(source_width, LADDER[-1])
    return (*(w for w in LADDER if w < top), top)


def widths_for(slot: Slot, source_width: int) -> tuple[int, ...]:
    """The derived widths worth offering in ``slot`` (no file wider than it can use)."""
    made = derived_widths(source_width)
    usable = tuple(w for w in made if w <= slot.largest)
    return usable or made[:1]
