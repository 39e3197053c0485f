"""Pure pieces, no database: password hashing, token signing, redirect targets, URLs."""

from __future__ import annotations

import pytest

from commerce_api.domain.identity import PasswordPolicy, Passwords, PasswordTooWeak
from commerce_api.oauth.store import sync_url
from commerce_api.signing import sign, verify_signature
from commerce_api.tokens import hash_token, new_token
from commerce_api.web.auth import safe_next

CHEAP = PasswordPolicy(time_cost=1, memory_kib=8 * 1024, parallelism=1)


async def test_passwords_are_argon2id_and_upgrade_when_parameters_change() -> None:
    passwords = Passwords(CHEAP)
    stored = await passwords.hash("a long enough secret")
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert await passwords.verify(stored, "a long enough secret")
    assert not await passwords.verify(stored, "a long enough secreT")
    assert not await passwords.verify(None, "a long enough secret")  # unknown account
    assert not passwords.needs_rehash(stored)
    assert Passwords(PasswordPolicy(time_cost=2, memory_kib=8 * 1024, parallelism=1)).needs_rehash(
        stored
    )
    with pytest.raises(PasswordTooWeak):
        await passwords.hash("short")


def test_signed_values_and_token_hashes() -> None:
    token = new_token()
    assert len(token) >= 43 and hash_token(token) != token and len(hash_token(token)) == 64
    tag = sign("key", "unsubscribe", "42")
    assert verify_signature("key", "unsubscribe", "42", tag)
    assert not verify_signature("key", "unsubscribe", "43", tag)
    assert not verify_signature("other key", "unsubscribe", "42", tag)
    assert not verify_signature("key", "another purpose", "42", tag)
    assert not verify_signature("key", "unsubscribe", "42", "not base64 é")


def test_links_already_mailed_still_verify() -> None:
    """An unsubscribe link mailed before the signer moved to itsdangerous carries this tag
    (HMAC-SHA256 of ``purpose NUL value``, URL-safe base64): it must keep working."""
    mailed = "MpqBiwayRDcQVwTqhT-QMXrtllu8FElhIGZKnhX6AKI"
    assert sign("k" * 40, "newsletter-unsubscribe", "12") == mailed
    assert verify_signature("k" * 40, "newsletter-unsubscribe", "12", mailed)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/oauth/authorize?client_id=x", "/oauth/authorize?client_id=x"),
        ("https://evil.example/", "/auth/signed-in"),
        ("//evil.example/", "/auth/signed-in"),
        ("/\\evil.example", "/auth/signed-in"),
        (None, "/auth/signed-in"),
        ("https://rose-ash.example.coop/account/", "https://rose-ash.example.coop/account/"),
        ("https://rose-ash.example.coop.evil.example/", "/auth/signed-in"),
        ("https://rose-ash.example.coop@evil.example/", "/auth/signed-in"),
    ],
)
def test_sign_in_only_returns_to_our_own_paths_and_site(raw: str | None, expected: str) -> None:
    assert safe_next(raw, "https://rose-ash.example.coop") == expected


def test_the_sync_store_uses_sync_drivers() -> None:
    assert sync_url("sqlite+aiosqlite:///var/commerce.db") == "sqlite+pysqlite:///var/commerce.db"
    assert (
        sync_url("postgresql+asyncpg://u:p%40ss@db:5432/shop")
        == "postgresql+psycopg://u:p%40ss@db:5432/shop"
    )
