"""Which addresses outgoing federation traffic may reach."""

from __future__ import annotations

import ipaddress

__all__ = ["IPAddress", "is_public_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud metadata endpoints, named even though the ranges below already cover them.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


def is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses.

    Refuses private (RFC 1918, unique-local), loopback, link-local, multicast, shared
    (100.64/10), reserved and unspecified ranges, the cloud metadata addresses, and IPv4
    addresses smuggled inside IPv6 (mapped, 6to4, Teredo).
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None and not is_public_address(embedded):
            return False
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and address not in METADATA_ADDRESSES
    )
