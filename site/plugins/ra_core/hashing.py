"""``content_hash`` as docs/manifests.md defines it, in one place for every plugin."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(entry: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace (ASCII escapes, Python's default)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"))


def content_hash(entry: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` over the canonical JSON of ``entry`` without its ``content_hash``."""
    body = {k: v for k, v in entry.items() if k != "content_hash"}
    return "sha256:" + hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
