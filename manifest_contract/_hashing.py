"""``content_hash``: the one definition the build writes and every reader recomputes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "content_hash", "with_content_hash"]


def canonical_json(entry: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace, non-ASCII as ``\\uXXXX`` escapes (``ensure_ascii``).

    The escapes make the hashed bytes independent of how a reader's JSON library writes
    Unicode; this is the definition docs/manifests.md states and the build has always used.
    """
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def content_hash(entry: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` over the canonical JSON of ``entry`` without its ``content_hash``."""
    body = {k: v for k, v in entry.items() if k != "content_hash"}
    return "sha256:" + hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()


def with_content_hash(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``entry`` with its ``content_hash`` (re)computed over everything else."""
    body = {k: v for k, v in entry.items() if k != "content_hash"}
    return {**body, "content_hash": content_hash(body)}
