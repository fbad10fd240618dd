"""The ``sdk`` ID-card driver (issue 17 item 8) through the real ctypes path: a C library built here by gcc
(the vendor-SDK twin, sdtapi family) talks GA 467 to the emulator over a pty, as a vendor SDK talks to its
reader; settings validate the driver's own options (library, port 1–16 / 1001–1016, function names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from devices.errors import NoCard
from devices.id_card.settings import IdCardSettings
from devices.registry import open_device
from devices.status import Health
from devices.twins.id_card.emulator import Ga467Emulator
from devices.twins.id_card.identities import IDENTITIES
from tests.rigs.waiting import wait_until


def sdk_reader(library: Path, **options: object):
    cfg = IdCardSettings.model_validate({"driver": "sdk", "options": {"library": str(library), **options}})
    return open_device("id_card", cfg.driver, **cfg.options())


def wait_status(reader, code: str, seconds: float = 10.0) -> None:
    wait_until(lambda: reader.status().code == code, timeout_s=seconds, what=f"reader status {code}")


def test_a_card_is_read_through_the_vendor_library(sdk_twin_library: Path, sdk_reader_line: Ga467Emulator) -> None:
    reader = sdk_reader(sdk_twin_library, port=1001)
    placed = []
    reader.subscribe(lambda ev: placed.append(ev) if ev.name == "card_placed" else None)
    reader.open()
    try:
        wait_status(reader, "ok")
        sdk_reader_line.place_card("resident")
        record = reader.read_once(10)
        expected = IDENTITIES["resident"]
        assert record.id_number == expected.fields["id_number"] and record.name == expected.fields["name"]
        assert record.id_number_valid and record.photo_wlt == expected.photo()
        assert reader.status().health is Health.OK and reader.status().driver == "sdk"
        assert (0x30, 0x01) in sdk_reader_line.requests  # the library spoke GA 467 to the reader
        assert [ev.payload.id_number for ev in placed] == [expected.fields["id_number"]]
    finally:
        reader.close()


def test_no_card_is_no_card(sdk_twin_library: Path, sdk_reader_line: Ga467Emulator) -> None:
    reader = sdk_reader(sdk_twin_library)
    with pytest.raises(NoCard):
        reader.read_once(1.0)
    reader.close()


@pytest.mark.parametrize("port", [0, 17, 1000, 1017])
def test_a_port_outside_the_sdk_ranges_is_refused(sdk_twin_library: Path, port: int) -> None:
    with pytest.raises(ValidationError, match="1–16 \\(serial\\) or 1001–1016 \\(USB\\)"):
        IdCardSettings.model_validate({"driver": "sdk", "options": {"library": str(sdk_twin_library), "port": port}})


def test_a_mistyped_option_names_the_allowed_keys(sdk_twin_library: Path) -> None:
    with pytest.raises(ValidationError, match=r"options\.libary: Extra inputs are not permitted; expected one of"):
        IdCardSettings.model_validate({"driver": "sdk", "options": {"library": str(sdk_twin_library), "libary": "x"}})


def test_a_missing_library_is_named_in_the_status(tmp_path: Path) -> None:
    reader = sdk_reader(tmp_path / "libtermb.so")
    reader.open()
    try:
        wait_status(reader, "id_card.sdk_missing")
        assert reader.status().health is Health.OFFLINE
    finally:
        reader.close()


def test_a_library_without_the_family_functions_names_the_missing_one(sdk_twin_library: Path) -> None:
    reader = sdk_reader(sdk_twin_library, functions={"read": "Read_Content"})
    reader.open()
    try:
        wait_status(reader, "id_card.sdk_function")
    finally:
        reader.close()


def test_renamed_functions_are_mapped_in_settings(sdk_twin_library: Path, sdk_reader_line: Ga467Emulator) -> None:
    """A vendor whose library renamed a function is served by options.functions (here: the same symbol)."""
    reader = sdk_reader(sdk_twin_library, functions={"find": "SDT_StartFindIDCard"})
    sdk_reader_line.place_card("resident")
    try:
        assert reader.read_once(10).id_number == IDENTITIES["resident"].fields["id_number"]
    finally:
        reader.close()
