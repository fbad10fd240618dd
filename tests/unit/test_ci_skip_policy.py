"""Under CI=true a skipped test counts as failed; locally it stays a visible skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPING = "import pytest\n\ndef test_needs_a_rig():\n    pytest.skip('rig absent')\n"


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    target = tmp_path / "test_probe_skip.py"
    target.write_text(SKIPPING)
    env = {**os.environ, "CI": ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
                           "-c", str(ROOT / "pyproject.toml"), "--confcutdir", str(ROOT / "tests"),
                           "-p", "tests.conftest", str(target)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_skip_fails_under_ci(tmp_path: Path) -> None:
    result = _run(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout


def test_skip_is_a_visible_skip_elsewhere(tmp_path: Path) -> None:
    result = _run(tmp_path, "")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
