"""The product device packages never import a twin: twins import the product, not the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

DEVICES = Path(__file__).resolve().parents[3] / "devices"


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_product_module_imports_a_twin() -> None:
    product = [p for p in DEVICES.rglob("*.py") if DEVICES / "twins" not in p.parents]
    assert len(product) > 50  # the walk did find the product packages
    offenders = {str(p.relative_to(DEVICES)): sorted(m for m in _imported_modules(p) if m.startswith("devices.twins"))
                 for p in product}
    assert {name: mods for name, mods in offenders.items() if mods} == {}
