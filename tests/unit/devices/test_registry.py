"""The driver registry: lazy, extendable by entry points, and two distinct typed failures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devices import registry
from devices.errors import DriverImportFailed, DriverNotFound

PLUGIN_MODULE = '''
class AcmeReader:
    def __init__(self, **options):
        self.options = options
'''


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A third-party distribution on sys.path declaring two drivers in the entry-point group."""
    (tmp_path / "acme_reader.py").write_text(PLUGIN_MODULE)
    dist = tmp_path / "acme_reader-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-reader\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        f"[{registry.ENTRY_POINT_GROUP}]\n"
        "id_card.acme = acme_reader:AcmeReader\n"
        "printer.broken = acme_missing_vendor_lib:Printer\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry._plugin_drivers.cache_clear()
    yield
    registry._plugin_drivers.cache_clear()
    sys.modules.pop("acme_reader", None)


def test_builtin_drivers_are_listed_without_importing_them() -> None:
    before = set(sys.modules)
    table = registry.all_drivers()
    assert set(table) == set(registry.KINDS)
    assert table["id_card"]["ga467"] == "devices.id_card.ga467_driver:Ga467Reader"
    assert not {m for m in set(sys.modules) - before if m.startswith("devices.id_card.ga467")}


def test_every_builtin_target_imports() -> None:
    for kind, drivers in registry.BUILTIN_DRIVERS.items():
        for name in drivers:
            assert callable(registry.resolve(kind, name)), f"{kind}.{name}"


def test_twins_are_told_apart_from_drivers_for_real_hardware() -> None:
    from config import load_settings

    defaults = load_settings().devices
    # The default config runs every kind on its twin (the demo); real hardware drivers are not twins.
    assert all(registry.is_twin(kind, getattr(defaults, kind).driver) for kind in registry.KINDS)
    assert not any(registry.is_twin(kind, name) for kind, drivers in registry.PRODUCT_DRIVERS.items()
                   for name in drivers)
    assert not registry.is_twin("id_card", "nope")


def test_twins_live_under_devices_twins_and_drivers_outside_it() -> None:
    for kind in registry.KINDS:
        assert all(t.startswith(f"devices.twins.{kind}.") for t in registry.TWIN_DRIVERS[kind].values()), kind
        assert all(t.startswith(f"devices.{kind}.") for t in registry.PRODUCT_DRIVERS[kind].values()), kind


def test_a_plugin_is_never_a_twin(installed_plugin: None) -> None:
    assert not registry.is_twin("id_card", "acme")


def test_unknown_driver_names_the_valid_choices() -> None:
    with pytest.raises(DriverNotFound, match=r"devices.printer.driver: unknown driver 'nope'; expected one of "
                                             r"capture, escpos"):
        registry.resolve("printer", "nope")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(DriverNotFound, match="unknown device kind"):
        registry.available("fax")


def test_entry_point_plugin_is_found_and_built_with_options(installed_plugin: None) -> None:
    assert registry.available("id_card")["acme"] == "acme_reader:AcmeReader"
    device = registry.open_device("id_card", "acme", port="/dev/ttyACM0")
    assert device.options == {"port": "/dev/ttyACM0"}


def test_plugin_with_missing_vendor_library_fails_only_when_chosen(installed_plugin: None) -> None:
    assert "broken" in registry.available("printer")
    assert callable(registry.resolve("printer", "capture"))
    with pytest.raises(DriverImportFailed, match=r"devices\.printer\.driver='broken' could not be loaded") as info:
        registry.resolve("printer", "broken")
    assert info.value.code == "device.driver_import_failed"
    assert not isinstance(info.value, DriverNotFound)


def test_config_accepts_a_plugin_driver_name(installed_plugin: None) -> None:
    from config import load_settings

    settings = load_settings(overrides=["devices.id_card.driver=acme"])
    assert settings.devices.id_card.driver == "acme"
