"""Connectors are chosen by ``[connectors.<kind>] driver``: built-in and entry-point ones, typed errors
that name the choices, options handed to the connector, a bad choice stopping the server with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_settings
from hall.server.cli import options_from
from hall.server.connectors.elicense import FileELicenseLibrary
from hall.server.connectors.notify import LoggingNotifier
from hall.server.connectors.registry import (
    Choice,
    ConnectorContext,
    ConnectorError,
    ConnectorNotFound,
    available,
    build,
    build_all,
)
from hall.server.core.security import Keyring
from tests.rigs.hall_server import run_main


@pytest.fixture
def context(tmp_path: Path) -> ConnectorContext:
    return ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path)


def test_defaults_are_the_log_and_file_connectors(context: ConnectorContext) -> None:
    made = build_all({}, context)
    assert isinstance(made.sms, LoggingNotifier) and isinstance(made.wechat, LoggingNotifier)
    assert isinstance(made.elicense, FileELicenseLibrary)
    assert made.notifier("wechat") is made.wechat and made.notifier("sms") is made.sms


def test_an_unknown_driver_names_the_valid_ones(context: ConnectorContext) -> None:
    with pytest.raises(ConnectorNotFound) as info:
        build("sms", Choice("smoke-signals"), context)
    assert "connectors.sms.driver" in str(info.value) and "log" in str(info.value)
    with pytest.raises(ConnectorNotFound):
        available("fax")


def test_a_connectors_options_reach_it_and_a_wrong_option_is_a_typed_error(
        context: ConnectorContext, tmp_path: Path) -> None:
    data = tmp_path / "licences.json"
    data.write_text('{"people": []}', encoding="utf-8")
    lib = build("elicense", Choice("file", {"path": str(data)}), context)
    assert lib.licenses_for("110101199003071233") == []
    with pytest.raises(ConnectorError) as info:
        build("elicense", Choice("file", {"colour": "blue"}), context)
    assert "connectors.elicense.options" in str(info.value)


def test_settings_tables_become_the_servers_choices() -> None:
    settings = load_settings(None, ['connectors.elicense.path="/srv/licences.json"'])
    assert options_from(settings).connectors["elicense"] == {"driver": "file", "path": "/srv/licences.json"}


def test_a_bad_connector_stops_the_server_with_exit_2(tmp_path: Path) -> None:
    done = run_main("hall-server", "--db", f"sqlite:///{tmp_path / 'h.db'}", "--set",
                    'connectors.sms.driver="nope"', "--set", f"server.data_dir={tmp_path / 'd'}", timeout=60)
    assert done.returncode == 2 and "connectors.sms.driver" in done.stderr


def test_every_builtin_driver_can_be_loaded() -> None:
    import importlib

    from hall.server.connectors.registry import BUILTIN, KINDS

    for kind in KINDS:
        for name, target in available(kind).items():
            module, _, attr = target.partition(":")
            assert callable(getattr(importlib.import_module(module), attr)), (kind, name)
    assert {"smpp", "http", "none", "twin"} <= set(BUILTIN["sms"]) and "http" in BUILTIN["elicense"]


def test_the_settings_know_every_kind_and_allow_twins() -> None:
    settings = load_settings(None, ['connectors.platform.driver="none"', "connectors.allow_twins=true"])
    options = options_from(settings)
    assert set(options.connectors) == {"sms", "wechat", "elicense", "platform"}
    assert options.connectors["platform"] == {"driver": "none"} and options.connectors_allow_twins
