"""What the open pages need to know: the build's version, its errors, whether one is running.

The builder thread writes it, every live-reload connection waits on it; one lock, one
condition, no other shared state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Snapshot:
    """One state of the preview: a page reloads when ``version`` grows."""

    version: int = 0
    errors: tuple[str, ...] = ()
    building: bool = False
    drafts: tuple[tuple[str, str], ...] = ()
    """(title, URL path) of every draft post and page, to list them on every page."""

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "errors": list(self.errors),
            "building": self.building,
            "drafts": [{"title": t, "path": p} for t, p in self.drafts],
        }


@dataclass
class Status:
    """The current snapshot plus a condition to wait for the next one."""

    current: Snapshot = field(default_factory=Snapshot)
    closed: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def update(self, **changes: object) -> Snapshot:
        with self._changed:
            values = {**self.current.__dict__, **changes}
            self.current = Snapshot(**values)
            self._changed.notify_all()
            return self.current

    def wait_for_change(self, seen: Snapshot, timeout: float) -> Snapshot:
        """The first snapshot other than ``seen`` (or ``seen`` again after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.current is not seen or self.closed, timeout)
            return self.current

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
