"""The kit's dependency direction: Qt, the hall client and config only; the terminals depend on it, not back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
FORBIDDEN = ("hall.server", "hall.counter", "hall.display", "hall.evaluator", "kiosk", "devices", "offline_cache")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_kit_imports_no_terminal_server_or_device_code() -> None:
    modules = sorted((ROOT / "hall" / "qtkit").glob("*.py"))
    assert modules
    bad = {f"{m.name}: {name}" for m in modules for name in _imports(m)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad

