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
    "tests.rigs.private_postgres",
    "tests.rigs.qt",
    "tests.rigs.wlt",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", default=False,
                     help="also run tests marked 'hardware' (real devices attached; never in CI)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Hardware tests are deselected (not skipped) by default: CI treats every skip as a failure,
    # and no CI machine has a real reader attached.
    if config.getoption("--hardware"):
        return
    hardware = [item for item in items if "hardware" in item.keywords]
    if hardware:
        config.hook.pytest_deselected(items=hardware)
        items[:] = [item for item in items if "hardware" not in item.keywords]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under CI=true a skipped test is a failed test: every rig must be present there."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and _in_ci():
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (a missing rig is a failure): {report.longrepr}"


def _in_ci() -> bool:
    from tests.rigs import in_ci

    return in_ci()
