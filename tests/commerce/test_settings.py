"""Settings come from the environment once, with clear errors naming the variable."""

from __future__ import annotations

import pytest

from commerce_api.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_defaults_need_no_server() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///var/commerce.db"
    assert settings.reservation_minutes == 15
    assert settings.cors_origins == (settings.site_url,)


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql+asyncpg://shop@db/shop",
            "SITE_URL": "https://rose-ash.example.coop/",
            "PUBLIC_URL": "https://shop.rose-ash.example.coop",
            "ALLOWED_ORIGINS": "https://rose-ash.example.coop, https://www.rose-ash.example.coop/",
            "SUMUP_API_KEY": "sk_live_x",
            "SUMUP_MERCHANT_CODE": "M1",
            "RESERVATION_MINUTES": "20",
        }
    )
    assert settings.cors_origins == (
        "https://rose-ash.example.coop",
        "https://www.rose-ash.example.coop",
    )
    assert settings.webhook_url == "https://shop.rose-ash.example.coop/webhooks/sumup"
    assert settings.order_page_url("t") == "https://rose-ash.example.coop/order/?order=t"
    assert settings.cookie_secure and settings.reservation_minutes == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RESERVATION_MINUTES", "soon"),
        ("RESERVATION_MINUTES", "0"),
        ("MAX_BODY_BYTES", "12"),
        ("SUMUP_TIMEOUT_SECONDS", "-1"),
        ("DATABASE_URL", "mysql://nope"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
