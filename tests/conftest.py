"""Test rigs shared by the whole suite. Each rig is a plugin module in tests/rigs/."""

from __future__ import annotations

import os

import pytest

# Qt must be told before it is first imported anywhere in the test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.rigs.serial_pty",
    "tests.rigs.pcsc",
    "tests.rigs.hall_server",
    "tests.rigs.postgres",
    "tests.rigs.qt",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", default=False,
                     help="also run tests marked 'hardware' (real devices attached; never in CI)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs real hardware: run with --hardware")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)
