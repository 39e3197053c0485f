"""Reading time and neighbouring posts: small facts the post page shows."""

from __future__ import annotations

import math
import re
from typing import Any

from markupsafe import Markup

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+")


def reading_minutes(html: str) -> int:
    """Minutes to read a body at an unhurried 200 words a minute (at least one)."""
    words = len(_WORD.findall(Markup(html or "").striptags()))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def link_neighbours(generator: Any) -> None:
    """article_generator_finalized: each post knows the post before and after it in time
    (``older_article``, ``newer_article``), for the post page's navigation."""
    posts = sorted(generator.articles, key=lambda a: (a.date, a.source_path))
    for index, post in enumerate(posts):
        post.older_article = posts[index - 1] if index > 0 else None
        post.newer_article = posts[index + 1] if index + 1 < len(posts) else None
