"""``/health``: answers from memory, touching neither the database nor SumUp, so a load
balancer can poll it cheaply."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get


@dataclass
class Health:
    status: str


_OK = Health(status="ok")


@get("/health", tags=["system"], summary="Liveness check", cache=False)
async def health() -> Health:
    """Always ``{"status": "ok"}`` while the process serves requests."""
    return _OK
