"""Rig: the twin WLT photo decoder (devices/twins/id_card/wlt_twin.c) built with gcc, once per session."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.twins.id_card.wlt_twin import build_decoder
from tests.rigs import rig_missing


@pytest.fixture(scope="session")
def wlt_twin_decoder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Path of the built ``libwlt_twin.so`` (for ``devices.id_card.photo_decoder``)."""
    try:
        path = build_decoder(tmp_path_factory.mktemp("wlt"))
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        rig_missing(f"cannot build the twin WLT decoder: {exc}")
    yield path
