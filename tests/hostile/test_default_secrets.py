"""Secrets shipped in the repository work only in demo mode: outside it they are refused at start-up
with one line naming the key, before any program runs."""

from __future__ import annotations

import pytest

from config import ConfigError, load_settings
from tests.rigs.hall_server import run_main
from tests.rigs.waiting import budget

DEMO_PIN = "246810"  # config/default.toml's technician PIN, known to anyone who reads the repository


def test_demo_pin_is_accepted_in_demo_mode() -> None:
    settings = load_settings(None, ["server.demo_mode=true"])
    assert settings.kiosk.technician_pin == DEMO_PIN


def test_demo_pin_is_refused_outside_demo_mode() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, ["server.demo_mode=false"])
    message = str(info.value)
    assert "kiosk.technician_pin" in message and "demo" in message and "\n" not in message
    assert DEMO_PIN not in message  # the refusal does not repeat the secret


@pytest.mark.parametrize("pin", ["", "93572468"])
def test_own_pin_or_no_pin_is_fine_outside_demo_mode(pin: str) -> None:
    settings = load_settings(None, ["server.demo_mode=false", f'kiosk.technician_pin="{pin}"',
                                    "devices.allow_twins=true"])
    assert settings.kiosk.technician_pin == pin and not settings.server.demo_mode


def test_every_program_refuses_to_start() -> None:
    for args in (["hall-server", "--port", "1"], ["devices", "list"], ["kiosk", "--exit-after-paint"]):
        done = run_main("--set", "server.demo_mode=false", *args, timeout=budget(60))
        assert done.returncode == 2, (args, done.stderr)
        assert "kiosk.technician_pin" in done.stderr and "Traceback" not in done.stderr
