"""``devices.<kind>.options``: a table handed to the driver, validated at start-up by the driver's own
``Options`` model — shown with a third-party printer plug-in installed as a distribution (real entry
points), exactly as docs/devices/README.md describes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import ConfigError, load_settings
from devices import registry
from devices.errors import DeviceConfigError
from tests.rigs.hall_server import ROOT

PLUGIN = '''
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from devices.status import DeviceStatus, Health


class AcmeSdkPrinter:
    """A printer driven through the vendor's SDK; the SDK's path is the driver's own option."""

    driver_name = "acme-sdk"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        sdk_path: Path
        density: int = Field(default=3, ge=1, le=8)

    def __init__(self, *, options: Options, **common: object) -> None:
        self.sdk_options, self.common = options, common

    def open(self) -> None:
        self.opened = True

    def close(self) -> None:
        self.opened = False

    def status(self) -> DeviceStatus:
        found = self.sdk_options.sdk_path.is_file()
        return DeviceStatus("printer", self.driver_name, Health.OK if found else Health.OFFLINE,
                            "ok" if found else "acme.sdk_missing")
'''


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Iterator[Path]:
    """The plug-in as a pip-installed distribution would leave it: a module and its dist-info."""
    (tmp_path / "acme_printer.py").write_text(PLUGIN, encoding="utf-8")
    dist = tmp_path / "acme_printer-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-printer\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        f"[{registry.ENTRY_POINT_GROUP}]\nprinter.acme-sdk = acme_printer:AcmeSdkPrinter\n")
    yield tmp_path


@pytest.fixture
def installed(plugin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(plugin_dir))
    registry._plugin_drivers.cache_clear()
    yield plugin_dir
    registry._plugin_drivers.cache_clear()
    sys.modules.pop("acme_printer", None)


def _plugin(*sets: str) -> list[str]:
    return ["devices.printer.driver=acme-sdk", *sets]


def test_the_options_table_reaches_the_driver_as_its_model(installed: Path) -> None:
    sdk = installed / "libacme.so"
    sdk.write_bytes(b"\x7fELF")
    settings = load_settings(overrides=_plugin(f'devices.printer.options.sdk_path="{sdk}"',
                                               "devices.printer.options.density=5"))
    conf = settings.devices.printer
    printer = registry.open_device("printer", conf.driver, **conf.options())
    assert printer.sdk_options.sdk_path == sdk and printer.sdk_options.density == 5
    assert printer.common["paper_mm"] == 80 and "options" not in printer.common
    assert printer.status().ok


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ((), "devices.printer.options.sdk_path: Field required"),
        (('devices.printer.options.sdk_path="/opt/acme/libacme.so"', "devices.printer.options.density=9"),
         "devices.printer.options.density: Input should be less than or equal to 8"),
        (('devices.printer.options.sdk_path="/opt/acme/libacme.so"', "devices.printer.options.dpi=300"),
         "devices.printer.options.dpi: Extra inputs are not permitted; expected one of density, sdk_path"),
    ],
)
def test_bad_options_are_refused_at_start_up_naming_the_key(installed: Path, sets: tuple[str, ...],
                                                             expected: str) -> None:
    overrides = _plugin(*sets) if sets else _plugin("devices.printer.options.density=2")
    with pytest.raises(ConfigError) as info:
        load_settings(overrides=overrides)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_a_driver_without_an_options_model_refuses_a_table() -> None:
    with pytest.raises(ConfigError, match=r"devices\.printer\.options: driver 'capture' takes no options table"):
        load_settings(overrides=["devices.printer.options.speed=2"])


def test_options_checked_again_when_the_driver_is_built(installed: Path) -> None:
    settings = load_settings(overrides=_plugin())
    with pytest.raises(DeviceConfigError, match=r"options\.sdk_path: Field required"):
        settings.devices.printer.options()


def test_diagnose_runs_the_plugin_with_its_options(plugin_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_dir), str(ROOT)])}
    args = [sys.executable, str(ROOT / "main.py"), "devices", "diagnose", "--set", "devices.printer.driver=acme-sdk",
            "--set", f"devices.printer.options.sdk_path={plugin_dir / 'missing.so'}"]
    for kind in registry.KINDS:
        if kind != "printer":
            args += ["--set", f"devices.{kind}.enabled=false"]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    printer = json.loads(done.stdout)["devices"]["printer"]
    assert done.returncode == 1 and printer["code"] == "acme.sdk_missing" and printer["twin"] is False
    bad = subprocess.run([*args, "--set", "devices.printer.options.oops=1"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "devices.printer.options.oops" in bad.stderr
