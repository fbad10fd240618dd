"""Test rigs shared by the whole suite. Each rig is a plugin module in tests/rigs/."""

from __future__ import annotations

import os

import pytest

# Qt must be told before it is first imported anywhere in the test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _hypothesis_profiles() -> None:
    """Under CI or a loaded machine, hypothesis measures no per-example deadline (a slow example on a
    busy machine is not a failure); ``HYPOTHESIS_PROFILE`` picks a profile by name."""
    from hypothesis import HealthCheck, settings

    from tests.rigs import in_ci
    from tests.rigs.waiting import SCALE_ENV, scale

    settings.register_profile("load", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if not chosen and (in_ci() or os.environ.get(SCALE_ENV) or scale() > 1.0):
        chosen = "load"
    if chosen:
        settings.load_profile(chosen)


_hypothesis_profiles()


def _http_defaults() -> None:
    from tests.rigs.waiting import scale_http_defaults

    scale_http_defaults()


_http_defaults()

pytest_plugins = [
    "tests.rigs.serial_pty",
    "tests.rigs.pcsc",
    "tests.rigs.hall_server",
    "tests.rigs.postgres",
    "tests.rigs.private_postgres",
    "tests.rigs.city",
    "tests.rigs.chromium",
    "tests.rigs.qt",
    "tests.rigs.x11",
    "tests.rigs.sdk_twin",
    "tests.rigs.wlt",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", default=False,
                     help="also run tests marked 'hardware' (real devices attached; never in CI)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _scale_timeouts(config, items)
    # Hardware tests are deselected (not skipped) by default: CI treats every skip as a failure,
    # and no CI machine has a real reader attached.
    if config.getoption("--hardware"):
        return
    hardware = [item for item in items if "hardware" in item.keywords]
    if hardware:
        config.hook.pytest_deselected(items=hardware)
        items[:] = [item for item in items if "hardware" not in item.keywords]


def _scale_timeouts(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest-timeout's per-test limit (``timeout`` in pyproject.toml, ``--timeout``, or a test's own
    ``timeout`` mark) grows with the machine's load like every wait does (tests/rigs/waiting.py)."""
    from tests.rigs.waiting import scale

    factor = scale()
    if factor <= 1.0:
        return
    try:
        default = float(config.getoption("timeout", None) or config.getini("timeout") or 0)
    except (ValueError, TypeError):
        return
    for item in items:
        mark = item.get_closest_marker("timeout")
        if mark is None:
            seconds = default
        else:
            seconds = float(mark.args[0] if mark.args else mark.kwargs.get("timeout", 0))
        if seconds > 0:
            item.add_marker(pytest.mark.timeout(seconds * factor), append=False)


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
