"""The production guard: outside demo mode a program that opens devices refuses twin drivers (exit 2,
one line naming the key) unless a test bench sets ``devices.allow_twins``; the shipped production
example is what the field guide copies and passes the guard as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from devices import registry
from tests.rigs.hall_server import ROOT, run_main
from tests.rigs.waiting import budget

PRODUCTION = ROOT / "config" / "production.example.toml"
PIN = 'kiosk.technician_pin="93572468"'


def test_production_example_passes_the_guard_with_real_drivers() -> None:
    settings = load_settings(PRODUCTION, [PIN])
    assert not settings.server.demo_mode and not settings.devices.allow_twins
    for kind in registry.KINDS:
        driver = getattr(settings.devices, kind).driver
        assert not registry.is_twin(kind, driver), (kind, driver)


@pytest.mark.parametrize(("kind", "twin"), sorted((k, n) for k, names in registry.TWIN_DRIVERS.items()
                                                  for n in names))
def test_each_twin_is_refused_outside_demo_mode_naming_its_key(kind: str, twin: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(PRODUCTION, [PIN, f'devices.{kind}.driver="{twin}"', f"devices.{kind}.enabled=true"])
    message = str(info.value)
    assert f"devices.{kind}.driver" in message and "devices.allow_twins" in message and "\n" not in message


def test_test_bench_may_allow_twins_explicitly() -> None:
    settings = load_settings(PRODUCTION, [PIN, 'devices.id_card.driver="ga467-emulator"',
                                          "devices.allow_twins=true"])
    assert settings.devices.id_card.driver == "ga467-emulator"


def test_a_disabled_device_may_keep_a_twin_driver() -> None:
    settings = load_settings(PRODUCTION, [PIN, 'devices.voice.driver="wav"', "devices.voice.enabled=false"])
    assert not settings.devices.voice.enabled


def test_demo_config_still_runs_on_twins() -> None:
    settings = load_settings()
    assert settings.server.demo_mode and registry.is_twin("id_card", settings.devices.id_card.driver)


def test_a_program_without_devices_is_not_refused_for_them() -> None:
    settings = load_settings(PRODUCTION, [PIN, 'devices.printer.driver="capture"'], device_kinds=())
    assert settings.devices.printer.driver == "capture"
    with pytest.raises(ConfigError, match=r"devices\.voice\.driver"):
        load_settings(PRODUCTION, [PIN, 'devices.voice.driver="wav"'], device_kinds=("voice",))


@pytest.mark.parametrize("args", [["devices", "list"], ["kiosk", "--exit-after-paint"], ["display", "--windowed"]])
def test_device_programs_exit_2_naming_the_twin(args: list[str]) -> None:
    done = run_main("--config", str(PRODUCTION), "--set", PIN, "--set", 'devices.voice.driver="wav"', *args,
                    timeout=budget(60))
    assert done.returncode == 2, done.stderr
    assert "devices.voice.driver" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_hall_admin_ignores_device_twins(tmp_path: Path) -> None:
    done = run_main("--config", str(PRODUCTION), "--set", PIN, "--set", 'devices.voice.driver="wav"',
                    "hall", "admin", "init", "--db", f"sqlite:///{tmp_path / 'hall.db'}", timeout=budget(120))
    assert done.returncode == 0, done.stderr


def test_field_guide_copies_the_production_example() -> None:
    guide = (ROOT / "docs" / "field-guide.md").read_text(encoding="utf-8")
    assert "cp /opt/hall/config/production.example.toml /etc/hall/terminal.toml" in guide
    assert "config/default.toml /etc/hall" not in guide
