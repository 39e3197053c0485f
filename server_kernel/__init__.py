"""What both servers need and neither should write twice: small, framework-light pieces.

``commerce_api`` and ``federation_server`` import from here; this package imports neither
(import-linter holds that, see pyproject.toml).
"""

from __future__ import annotations

from server_kernel.jobs import run_periodically

__all__ = ["run_periodically"]
