"""What may import what (docs/architecture.md), held by reading the source.

import-linter (``make lint``) holds the contracts between top-level packages; this test holds
the one it cannot express: a package's ``_private`` modules are imported only from inside that
package, everyone else goes through its ``__init__`` (its ``__all__``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("commerce_api", "federation_server", "manifest_contract", "server_kernel")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private_owner(module: str) -> str | None:
    """``a.b._c.d`` -> ``a.b`` (the package whose private module it is), else ``None``."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_no_module_imports_another_package_s_private_module() -> None:
    reaches = []
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            name = _module_name(path)
            home = name if path.name == "__init__.py" else name.rpartition(".")[0]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                owner = _private_owner(node.module)
                if owner is not None and not (home == owner or home.startswith(owner + ".")):
                    reaches.append(f"{name}:{node.lineno} imports {node.module}")
    assert reaches == []
