"""The manifest contract's ``content_hash``, pinned to the bytes docs/manifests.md defines."""

from __future__ import annotations

import hashlib

from manifest_contract import content_hash, with_content_hash


def test_content_hash_is_sha256_of_sorted_compact_ascii_json_without_the_hash() -> None:
    entry = {"title": "Café night", "id": "event:cafe", "content_hash": "sha256:old"}
    spelled_out = b'{"id":"event:cafe","title":"Caf\\u00e9 night"}'
    assert content_hash(entry) == "sha256:" + hashlib.sha256(spelled_out).hexdigest()


def test_hash_changes_exactly_when_what_a_reader_sees_changes() -> None:
    entry = with_content_hash({"id": "post:a", "title": "A", "tags": ["x"]})
    assert with_content_hash(dict(reversed(list(entry.items())))) == entry
    assert with_content_hash({**entry, "title": "B"})["content_hash"] != entry["content_hash"]
