"""The outgoing client used to fetch remote actors and keys."""

from __future__ import annotations

import httpx

from federation_server.net import guarded_client
from federation_server.settings import Settings


def build_fetch_client(settings: Settings) -> httpx.AsyncClient:
    """SSRF-guarded (unless FEDERATION_ALLOW_PRIVATE_ADDRESSES), with our User-Agent."""
    return guarded_client(
        allow_private_addresses=settings.allow_private_addresses,
        timeout=settings.fetch_timeout,
        headers={"User-Agent": f"{settings.software_name}/{settings.software_version}"},
    )
