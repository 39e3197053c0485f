"""Outgoing HTTP for federation: an SSRF-guarded httpx transport and client."""

from ._policy import IPAddress, is_public_address
from ._transport import BlockedAddressError, GuardedTransport, guarded_client

__all__ = [
    "BlockedAddressError",
    "GuardedTransport",
    "IPAddress",
    "guarded_client",
    "is_public_address",
]
