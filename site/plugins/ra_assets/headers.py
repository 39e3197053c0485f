"""The cache policy as a ``_headers`` file (Netlify / Cloudflare Pages format)."""

from __future__ import annotations

from pathlib import Path


def write_headers(output: Path) -> None:
    return None
