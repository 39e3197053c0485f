"""Bad event files fail the build with one exact line per problem, all in one run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "events_errors" / "content"

EXPECTED = {
    "content/events/fair.md: end: 2026-05-01 10:00 is before start 2026-05-02 10:00",
    "content/events/no-title.md: title: missing",
    "content/events/bad-dates.md: start: next tuesday is not a date and time"
    " (expected YYYY-MM-DD HH:MM)",
    "content/events/bad-dates.md: end: 2026-13-40 10:00 is not a date and time"
    " (expected YYYY-MM-DD HH:MM)",
    "content/events/bad-zone.md: timezone: Europe/Londinium is not a known IANA time zone",
    "content/events/bad-rrule.md: rrule: FREQ=FORTNIGHTLY is not a valid RFC 5545 RRULE"
    " (Expected frequency, got: FORTNIGHTLY)",
    "content/events/tickets.md: tickets: adult: price -500 is negative",
    "content/events/tickets.md: tickets: child: currency XYZ is not an ISO 4217 code",
    "content/events/tickets.md: tickets: family: capacity lots is not a whole number >= 0",
    "content/events/dup-b.md: slug: 'open-day' is already used by content/events/dup-a.md",
    "content/events/no-alt.md: image_alt: missing for image images/lantern.png",
    "content/events/body-image.md: image: images/lantern.png has no alt text",
    "content/events/bad-link.md: link: /events/no-such-fair.md does not exist",
    "content/events/bad-exdate.md: exdate: 2026-05-05 is not a date the rrule produces",
    "content/events/bad-exdate.md: exdate: someday is not a date (expected YYYY-MM-DD)",
}


def test_every_event_error_is_reported_on_its_own_line(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "content")
    output = tmp_path / "out"
    script = str(REPO_ROOT / "site" / "build_site.py")
    result = subprocess.run(
        [sys.executable, script, "--content", "content", "--output", str(output)],
        cwd=tmp_path,
        env={**os.environ, "EVENTS_NOW": "2026-11-27T12:00:00+00:00"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert {line for line in lines if line.startswith("content/")} == EXPECTED
    assert "Traceback" not in result.stderr
    assert not output.exists()  # nothing half-built
