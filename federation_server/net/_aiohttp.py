"""The SSRF guard for aiohttp, the client the delivery worker uses for its fan-out.

aiohttp costs several times less CPU per request than httpx (measured in
``bench/bench_federation.py``), which matters when every delivery also pays for an RSA
signature. The connector checks the addresses a host resolved to (or the literal address,
which aiohttp never resolves) right before connecting to exactly those addresses, for the
first request and for every redirect hop.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
from aiohttp.abc import ResolveResult

from ._policy import IPAddress, is_public_address
from ._transport import BlockedAddressError

__all__ = ["GuardedConnector", "guarded_session"]


class GuardedConnector(aiohttp.TCPConnector):
    """A ``TCPConnector`` that refuses a host if any of its addresses is not permitted.

    It hooks ``_resolve_host``, the one place every connection's addresses pass through
    (aiohttp 3.x; the tests in ``tests/federation/test_net.py`` hold it to that).
    """

    def __init__(
        self, *, is_permitted: Callable[[IPAddress], bool] = is_public_address, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._is_permitted = is_permitted

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Any] | None = None
    ) -> list[ResolveResult]:
        results = await super()._resolve_host(host, port, traces)
        for result in results:
            address = ipaddress.ip_address(str(result["host"]).split("%", 1)[0])
            if not self._is_permitted(address):
                raise BlockedAddressError(f"{host} resolves to {address}: not a public address")
        return results


def guarded_session(
    *,
    allow_private_addresses: bool = False,
    is_permitted: Callable[[IPAddress], bool] = is_public_address,
    limit: int = 100,
    limit_per_host: int = 0,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> aiohttp.ClientSession:
    """An ``aiohttp.ClientSession`` that only reaches permitted addresses (create it in a loop)."""
    if allow_private_addresses:
        connector = aiohttp.TCPConnector(limit=limit, limit_per_host=limit_per_host)
    else:
        connector = GuardedConnector(
            is_permitted=is_permitted, limit=limit, limit_per_host=limit_per_host
        )
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), headers=headers
    )
