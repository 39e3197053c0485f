"""Which files go up first, and which old ones may go: pure functions over relative paths.

Hashed assets (``theme/css/site.62881927.css``) first, then every other non-HTML file, HTML
(and its ``.gz``/``.br``) last: a visitor never gets a page whose assets are not there yet.
An old hashed asset stays for a grace period after the last build that had it (pages cached
before the deploy still point at it); anything else the new build no longer has goes at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_HASHED = re.compile(r"^(theme|images)/.*\.[0-9a-f]{8}\.[A-Za-z0-9]+(\.gz|\.br)?$")
STATE_FILE = ".ra-publish.json"


def is_hashed(path: str) -> bool:
    return bool(_HASHED.match(path))


def is_html(path: str) -> bool:
    return path.endswith((".html", ".html.gz", ".html.br"))


def upload_order(paths: Iterable[str]) -> list[str]:
    """Hashed assets, then the rest, then HTML; sorted within each group."""

    def rank(path: str) -> tuple[int, str]:
        return (0 if is_hashed(path) else 2 if is_html(path) else 1, path)

    return sorted(paths, key=rank)


def plan_deletions(
    remote: Iterable[str], local: set[str], last_seen: Mapping[str, float], now: float, grace: float
) -> tuple[list[str], dict[str, float]]:
    """(paths to delete, the new last-seen times of hashed assets).

    ``last_seen``: when each hashed asset was last part of a published build (an asset not
    recorded yet counts from now, so it gets its full grace period).
    """
    seen = {path: now for path in local if is_hashed(path)}
    delete = []
    for path in sorted(set(remote) - local):
        if path == STATE_FILE:
            continue
        if is_hashed(path):
            when = last_seen.get(path, now)
            if now - when < grace:
                seen[path] = when
                continue
        delete.append(path)
    return delete, seen
