"""Site-wide content checks: every problem becomes a ContentError naming the file and field."""

from ra_validate.checks import check_content, check_internal_links
from ra_validate.reading import guard_readers

__all__ = ["check_content", "check_internal_links", "guard_readers", "register"]


def register() -> None:
    from pelican import signals

    signals.generator_init.connect(guard_readers)
    signals.all_generators_finalized.connect(check_content)
