"""The settings object read from the environment."""

from __future__ import annotations

from federation_server.settings import DEFAULT_DATABASE_URL, Settings


def test_defaults_are_three_section_actors_on_sqlite() -> None:
    settings = Settings.from_env({})
    assert settings.actor_names == ("blog", "events", "market")
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert not settings.allow_private_addresses


def test_actors_and_their_profiles_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "PUBLIC_URL": "https://social.example.coop/",
            "SITE_URL": "https://rose-ash.example.coop",
            "FEDERATION_ACTORS": "alice, bob",
            "FEDERATION_ACTOR_ALICE_NAME": "Alice's notes",
            "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "true",
        }
    )
    assert settings.public_url == "https://social.example.coop"
    assert settings.host == "social.example.coop"
    assert settings.actor_names == ("alice", "bob")
    alice = settings.actor("alice")
    assert alice is not None and alice.display_name == "Alice's notes"
    assert alice.url == "https://rose-ash.example.coop/alice/"
    assert settings.allow_private_addresses


def test_blocklist_covers_subdomains_only() -> None:
    settings = Settings.from_env({"FEDERATION_BLOCKED_DOMAINS": "Spam.example, bad.test"})
    assert settings.is_blocked("spam.example")
    assert settings.is_blocked("mx.spam.example")
    assert not settings.is_blocked("notspam.example")
    assert not settings.is_blocked("good.example")
    assert not settings.is_blocked(None)
