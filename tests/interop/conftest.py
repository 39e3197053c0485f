"""One Fedify peer process for the interop tests of this folder (started here; each test
calls ``ready()`` once its own servers are up)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.interop.fedify_peer import FedifyPeer, require_peer


@pytest.fixture(scope="package")
def fedify_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FedifyPeer]:
    require_peer()
    peer = FedifyPeer(tmp_path_factory.mktemp("fedify") / "peer.log")
    peer.spawn()
    try:
        yield peer
    finally:
        peer.stop()
