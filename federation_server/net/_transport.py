"""An httpx transport that checks every address it connects to (SSRF guard).

The check runs in the network backend, at connect time, on the addresses the name resolved
to, and the socket is opened to the checked address: a DNS answer cannot change between
check and use, and every redirect hop and every new pooled connection is checked again.
TLS still verifies the certificate against the host name (httpcore passes it as SNI).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import httpcore
import httpx

from ._policy import IPAddress, is_public_address

__all__ = ["BlockedAddressError", "GuardedTransport", "guarded_client"]

#: Deliveries and fetches of one worker share these connection limits.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class BlockedAddressError(httpx.ConnectError):
    """The host resolved to an address federation must not reach."""


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, refuse the host if any address is not permitted, connect to a checked one."""

    def __init__(self, is_permitted: Callable[[IPAddress], bool]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._is_permitted = is_permitted

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port)
        refused = [a for a in addresses if not self._is_permitted(a)]
        if refused or not addresses:
            shown = refused[0] if refused else "nothing"
            raise BlockedAddressError(f"{host} resolves to {shown}: not a public address")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are not federation peers")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(seen)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections only reach permitted addresses.

    ``allow_private_addresses=True`` (``FEDERATION_ALLOW_PRIVATE_ADDRESSES``) turns the
    guard off, for instances federating over loopback in tests and local development.
    """

    def __init__(
        self,
        *,
        allow_private_addresses: bool = False,
        is_permitted: Callable[[IPAddress], bool] = is_public_address,
        verify: bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        retries: int = 0,
    ) -> None:
        super().__init__(verify=verify, limits=limits, retries=retries)
        backend: httpcore.AsyncNetworkBackend = (
            httpcore.AnyIOBackend() if allow_private_addresses else _GuardedBackend(is_permitted)
        )
        # The same pool httpx builds, with the guarded network backend plugged in.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=retries,
            network_backend=backend,
        )


def guarded_client(
    *,
    allow_private_addresses: bool = False,
    timeout: float = 10.0,
    follow_redirects: bool = True,
    limits: httpx.Limits = DEFAULT_LIMITS,
    is_permitted: Callable[[IPAddress], bool] = is_public_address,
    **client_kwargs: Any,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for talking to other servers, SSRF-guarded, at most 5 redirects."""
    transport = GuardedTransport(
        allow_private_addresses=allow_private_addresses, is_permitted=is_permitted, limits=limits
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=follow_redirects,
        max_redirects=5,
        **client_kwargs,
    )
