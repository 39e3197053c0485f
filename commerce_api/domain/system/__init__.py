"""Operational endpoints (health)."""

from commerce_api.domain.system.controllers import health

__all__ = ["health"]
