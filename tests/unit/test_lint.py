"""The code base stays ruff clean, mypy clean and inside its layering contracts (rules in pyproject.toml)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*argv: str, timeout: int) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: the tools import this checkout, not whichever copy the venv was installed from.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(900)
def test_mypy_finds_nothing() -> None:
    # Strict for the pure packages, default elsewhere; the incremental cache (.mypy_cache) keeps reruns fast.
    result = _run(sys.executable, "-m", "mypy", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept() -> None:
    lint_imports = BIN / "lint-imports"
    assert lint_imports.exists(), f"{lint_imports} is missing: install the dev extras (pip install -e '.[dev]')"
    result = _run(str(lint_imports), "--no-cache", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
