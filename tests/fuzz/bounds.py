"""What every property test here shares: a bounded number of examples (the suite stays fast)
and a guard that turns a hang into a failure naming the input, instead of a stuck run."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

from hypothesis import HealthCheck, settings

#: Examples per property; each is a pure function call or one in-process request.
EXAMPLES = 150
#: A generous bound for one example: no parser should come near it (this is no speed test;
#: it only stops a hang, such as a walk to the year 9999, from stalling the suite).
HANG_SECONDS = 20

bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


class Hang(AssertionError):
    """An example ran past :data:`HANG_SECONDS`."""


@contextlib.contextmanager
def no_hang(what: object, seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail (naming ``what``) if the block runs longer than ``seconds`` (main thread only)."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"still running after {seconds} s on {what!r}")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
