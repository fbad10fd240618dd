"""Test rigs shared by the whole suite. Each rig is a plugin module in tests/rigs/."""

from __future__ import annotations

import os

# Qt must be told before it is first imported anywhere in the test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.rigs.serial_pty",
    "tests.rigs.pcsc",
    "tests.rigs.hall_server",
    "tests.rigs.postgres",
    "tests.rigs.qt",
]
