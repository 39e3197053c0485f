"""HTTP routes: thin handlers over ``federation_server.services``."""

from __future__ import annotations

from typing import Any

from federation_server.routes import actors, inbox, objects, wellknown

ROUTE_HANDLERS: list[Any] = [
    *wellknown.HANDLERS,
    *actors.HANDLERS,
    *objects.HANDLERS,
    *inbox.HANDLERS,
]
