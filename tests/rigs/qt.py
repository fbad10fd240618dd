"""Qt offscreen with CJK fonts: ``cjk_fonts`` proves a Chinese font is installed for Qt to use."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.rigs import rig_missing


@pytest.fixture(scope="session")
def cjk_fonts() -> list[str]:
    """Font families that cover Chinese, as fontconfig sees them."""
    if shutil.which("fc-list") is None:
        rig_missing("fontconfig is not installed (apt-get install fontconfig fonts-noto-cjk)")
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    families = sorted({f.strip() for line in out.stdout.splitlines() for f in line.split(",") if f.strip()})
    if not families:
        rig_missing("no Chinese font installed (apt-get install fonts-noto-cjk)")
    return families
