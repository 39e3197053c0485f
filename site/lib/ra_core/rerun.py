"""What a plugin may skip when a resident process re-runs the build after a body-only edit.

That re-run (ra_incremental.resident) re-sends ``all_generators_finalized`` with the edited
content objects in the shared context under ``EDITED_KEY``: every other object, all front
matter and the site's files are as the last build (which had no errors) left them, so a
check may look at the edited objects alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EDITED_KEY = "RA_EDITED_CONTENT"


def edited_content(context: Mapping[str, Any]) -> list[Any] | None:
    """The content objects a body-only re-run edited; None in any other build."""
    found = context.get(EDITED_KEY)
    return list(found) if found is not None else None
