"""Outgoing HTTP for federation: SSRF-guarded httpx and aiohttp clients."""

from ._aiohttp import GuardedConnector, guarded_session
from ._policy import IPAddress, is_public_address
from ._transport import BlockedAddressError, GuardedTransport, guarded_client

__all__ = [
    "BlockedAddressError",
    "GuardedConnector",
    "GuardedTransport",
    "IPAddress",
    "guarded_client",
    "guarded_session",
    "is_public_address",
]
