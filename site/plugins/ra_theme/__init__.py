"""Jinja helpers every template can use (ours and other plugins'), added to each generator,
and the facts about posts the theme shows (neighbours for the post navigation)."""

from ra_theme.filters import FILTERS, add_to_environment, jsonld, pretty_url
from ra_theme.reading import link_neighbours

__all__ = ["FILTERS", "add_to_environment", "jsonld", "pretty_url", "register"]


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(add_to_environment)
    signals.article_generator_finalized.connect(link_neighbours)
