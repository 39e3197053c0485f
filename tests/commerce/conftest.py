"""Fixtures for the commerce tests.

``fake_sumup``: the fake SumUp as a real process on a free loopback port, shared by the whole
session and reset before each test. It yields a ``FakeSumUpProcess``: ``.url`` is the base URL
(``SUMUP_API_URL``), and its methods drive the fake (``set_fault``, ``pay``, ``decline``,
``checkouts``, ``set_webhook_envelope``, ``resend_webhook``; see
``commerce_api.fake_sumup``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from commerce_api.fake_sumup import FakeSumUpProcess
from tests.conftest import free_port


@pytest.fixture(scope="session")
def _fake_sumup_process() -> Iterator[FakeSumUpProcess]:
    with FakeSumUpProcess(port=free_port()) as fake:
        yield fake


@pytest.fixture
def fake_sumup(_fake_sumup_process: FakeSumUpProcess) -> FakeSumUpProcess:
    """The running fake SumUp, with no checkouts, no faults and the old webhook envelope."""
    _fake_sumup_process.reset()
    return _fake_sumup_process
