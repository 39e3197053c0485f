"""Jinja helpers every template can use (ours and other plugins'), added to each generator."""

from ra_theme.filters import FILTERS, add_to_environment, jsonld, pretty_url

__all__ = ["FILTERS", "add_to_environment", "jsonld", "pretty_url", "register"]


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(add_to_environment)
