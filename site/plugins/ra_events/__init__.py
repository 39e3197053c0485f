"""Rose Ash events: a Pelican content type, generator, calendars and iCalendar feeds."""

from __future__ import annotations

from typing import Any

from pelican import signals

from .content import Event
from .generator import EventsGenerator
from .settings import apply_defaults

__all__ = ["Event", "EventsGenerator", "register"]


def _apply_defaults(pelican: Any) -> None:
    apply_defaults(pelican.settings)


def _get_generators(_pelican: Any) -> type[EventsGenerator]:
    return EventsGenerator


def _contribute_manifests(generators: Any) -> None:
    for generator in generators:
        if isinstance(generator, EventsGenerator):
            generator.contribute_manifests()


def register() -> None:
    """Connect the plugin: settings defaults, the generator, then its manifest entries."""
    signals.initialized.connect(_apply_defaults)
    signals.get_generators.connect(_get_generators)
    signals.all_generators_finalized.connect(_contribute_manifests)
