"""The manifest contract's ``content_hash``, pinned to the bytes docs/manifests.md defines."""

from __future__ import annotations

import hashlib

import pytest

from commerce_api.sumup import minor_to_major
from manifest_contract import content_hash, currency_exponent, with_content_hash


def test_content_hash_is_sha256_of_sorted_compact_ascii_json_without_the_hash() -> None:
    entry = {"title": "Café night", "id": "event:cafe", "content_hash": "sha256:old"}
    spelled_out = b'{"id":"event:cafe","title":"Caf\\u00e9 night"}'
    assert content_hash(entry) == "sha256:" + hashlib.sha256(spelled_out).hexdigest()


def test_hash_changes_exactly_when_what_a_reader_sees_changes() -> None:
    entry = with_content_hash({"id": "post:a", "title": "A", "tags": ["x"]})
    assert with_content_hash(dict(reversed(list(entry.items())))) == entry
    assert with_content_hash({**entry, "title": "B"})["content_hash"] != entry["content_hash"]


@pytest.mark.parametrize("currency", ["GBP", "JPY", "HUF", "KWD", "IDR"])
def test_the_price_a_reader_sees_is_the_amount_sumup_is_asked_for(currency: str) -> None:
    # The site shows prices and the shop charges them; one exponent serves both.
    from ra_core.money import to_major

    assert to_major(120000, currency) == minor_to_major(120000, currency)


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        currency_exponent("XYZ")
