"""Qt offscreen with fonts: ``cjk_fonts`` proves a Chinese font is installed for Qt to use,
``script_fonts`` the Tibetan and Uyghur (Arabic script) ones."""

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


@pytest.fixture(scope="session")
def script_fonts() -> list[str]:
    """The Tibetan and Arabic-script fonts the bo and ug screens are drawn with (installed by `make`)."""
    from kiosk.theme import FALLBACK_FAMILIES

    if shutil.which("fc-list") is None:
        rig_missing("fontconfig is not installed (apt-get install fontconfig)")
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False)
    families = {f.strip() for line in out.stdout.splitlines() for f in line.split(",")}
    missing = [f for f in FALLBACK_FAMILIES if f not in families]
    if missing:
        rig_missing(f"fonts {missing} are not installed (apt-get install fonts-tibetan-machine fonts-noto-core)")
    return list(FALLBACK_FAMILIES)
