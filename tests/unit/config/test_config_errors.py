"""A bad config file or --set exits with status 2 and one key-specific line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from tests.rigs.hall_server import run_main


def test_defaults_load_with_simulated_devices() -> None:
    settings = load_settings()
    assert settings.devices.id_card.driver == "ga467-emulator"
    assert settings.devices.printer.driver == "capture"
    assert settings.hall.server_url.startswith("http://127.0.0.1")


def test_set_overrides_are_typed() -> None:
    settings = load_settings(overrides=["devices.id_card.baudrate=9600", "kiosk.language=en",
                                        "kiosk.fullscreen=false"])
    assert settings.devices.id_card.baudrate == 9600
    assert settings.kiosk.language == "en"
    assert settings.kiosk.fullscreen is False


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("devices.id_card.bogus=1", "devices.id_card.bogus: unknown key; expected one of baudrate"),
        ("devices.id_card.baudrate=12345", "devices.id_card.baudrate: Input should be 9600"),
        ("devices.printer.driver=nope", "devices.printer.driver: unknown driver 'nope'; expected one of"),
        ("server.port=many", "server.port: Input should be a valid integer"),
        ("kiosk", "--set 'kiosk': expected the form a.b.c=value"),
    ],
)
def test_bad_override_names_key_and_expectation(override: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(overrides=[override])
    assert expected in str(info.value)


def test_unreadable_toml_is_reported_with_its_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[devices.id_card\ndriver = 'ga467'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.toml: not valid TOML: .*line 1"):
        load_settings(bad)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "devices.voice.driver=x", "devices", "list"], "devices.voice.driver: unknown driver 'x'"),
        (["devices", "list", "--set", "kiosk.idle_timeout_s=soon"], "kiosk.idle_timeout_s: Input should be"),
        (["--config", "/nonexistent/hall.toml", "devices", "list"], "/nonexistent/hall.toml: config file not found"),
        (["devices", "list", "--set", "hall.nmae_zh=x"], "hall.nmae_zh: unknown key; expected one of code, name_en"),
    ],
)
def test_cli_exits_2_with_one_line(args: list[str], expected: str) -> None:
    result = run_main(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ("devices.camera.source=5", ("devices", "camera", "source"), "5"),
        ("kiosk.technician_pin=93572468", ("kiosk", "technician_pin"), "93572468"),
        ("kiosk.technician_pin=0123", ("kiosk", "technician_pin"), "0123"),
        ('devices.camera.source="7"', ("devices", "camera", "source"), "7"),
        ("terminal.id=42", ("terminal", "id"), "42"),
    ],
)
def test_text_settings_take_bare_numbers_from_set(override: str, key: tuple[str, ...], expected: str) -> None:
    settings: object = load_settings(overrides=[override])
    for part in key:
        settings = getattr(settings, part)
    assert settings == expected


def test_number_settings_still_parse_numbers() -> None:
    settings = load_settings(overrides=["devices.camera.width=640", "cache.probe_interval_s=1"])
    assert settings.devices.camera.width == 640 and settings.cache.probe_interval_s == 1.0
