"""HTTP routes: thin handlers over ``federation_server.services``."""

from __future__ import annotations

from typing import Any

ROUTE_HANDLERS: list[Any] = []
