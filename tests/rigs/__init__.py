"""Pytest fixtures for the device, server and database rigs (recipes in ../shared/RIGS.md)."""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def rig_missing(reason: str) -> NoReturn:
    """Skip locally with a visible reason; under CI=true a missing rig is a failure."""
    if in_ci():
        pytest.fail(f"test rig missing under CI: {reason}", pytrace=False)
    pytest.skip(f"test rig missing: {reason}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
