"""The cache policy as a ``_headers`` file (Netlify / Cloudflare Pages format).

Hashed assets live only under ``/theme/`` and ``/images/`` and never change: a year,
immutable. Everything else (HTML, feeds, manifests, .ics) must be revalidated on each visit.
Rules never overlap (both hosts would join two matching Cache-Control values), so each other
top-level folder and file gets its own rule. See docs/cdn.md.
"""

from __future__ import annotations

from pathlib import Path

from ra_core import write_new

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
ASSET_DIRS = ("theme", "images")
SECURITY = ("X-Content-Type-Options: nosniff", "Referrer-Policy: strict-origin-when-cross-origin")


def _rule(path: str, cache: str) -> str:
    lines = [path, f"  Cache-Control: {cache}", *(f"  {h}" for h in SECURITY)]
    return "\n".join(lines)


def headers_rules(output: Path) -> list[str]:
    rules = [_rule(f"/{name}/*", IMMUTABLE) for name in ASSET_DIRS if (output / name).is_dir()]
    rules.append(_rule("/", REVALIDATE))
    for entry in sorted(output.iterdir()):
        if entry.name in ASSET_DIRS or entry.name == "_headers" or entry.name.startswith("."):
            continue
        rules.append(_rule(f"/{entry.name}/*" if entry.is_dir() else f"/{entry.name}", REVALIDATE))
    return rules


def write_headers(output: Path) -> Path:
    target = output / "_headers"
    write_new(target, "\n".join(headers_rules(output)) + "\n")
    return target
