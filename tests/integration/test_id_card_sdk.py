"""The ``sdk`` ID-card driver (issue 17 item 8) through the real ctypes path: a C library built here by gcc
(the vendor-SDK twin, sdtapi and termb/CVR families) talks GA 467 to the emulator over a pty, as a vendor
SDK talks to its reader; settings validate the driver's own options (library, port 1–16 / 1001–1016,
function names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from devices.errors import NoCard
from devices.id_card.errors import RecordParseError
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
    reader = sdk_reader(sdk_twin_library, functions={"read": "Vendor_ReadBaseMsg"})
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


@pytest.mark.parametrize("family", ["termb", "cvr"])
def test_termb_family_reads_the_cards_own_blocks_from_its_files_and_deletes_them(
        sdk_twin_library: Path, sdk_reader_line: Ga467Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        family: str) -> None:
    """InitComm/CVR_InitComm, Authenticate, Read_Content(1) → wz.txt + xp.wlt: the card's own text and photo,
    read once per placed card (Authenticate keeps succeeding while it lies there); no file is left behind."""
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.setenv("HALL_SDK_TWIN_CONTENT_DIR", str(content))
    reader = sdk_reader(sdk_twin_library, family=family, port=1001, content_dir=str(content))
    placed = []
    reader.subscribe(lambda ev: placed.append(ev) if ev.name == "card_placed" else None)
    reader.open()
    try:
        wait_status(reader, "ok")
        sdk_reader_line.place_card("resident")
        wait_until(lambda: len(placed) == 1, timeout_s=10, what="card_placed")
        record = placed[0].payload
        expected = IDENTITIES["resident"]
        assert record.id_number == expected.fields["id_number"] and record.name == expected.fields["name"]
        assert record.photo_wlt == expected.photo() and len(record.text_raw) == 256
        polls = len(sdk_reader_line.requests)
        wait_until(lambda: len(sdk_reader_line.requests) > polls + 6, timeout_s=10, what="more polls")
        assert len(placed) == 1  # still lying there: not announced again
        assert list(content.iterdir()) == []  # personal data does not stay on disk
        assert reader.status().driver == "sdk" and reader.status().health is Health.OK
    finally:
        reader.close()


def test_cvr_getters_rebuild_the_text_when_the_library_writes_no_wz_txt(
        sdk_twin_library: Path, sdk_reader_line: Ga467Emulator, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GetPeopleName … in GBK (sex 男, nation 汉族, birthday 1990-01-01 style) become the card's codes again."""
    monkeypatch.setenv("HALL_SDK_TWIN_CONTENT_DIR", str(tmp_path))
    monkeypatch.setenv("HALL_SDK_TWIN_NO_WZ", "1")
    reader = sdk_reader(sdk_twin_library, family="cvr", content_dir=str(tmp_path))
    sdk_reader_line.place_card("resident")
    try:
        record = reader.read_once(10)
    finally:
        reader.close()
    f = IDENTITIES["resident"].fields
    assert (record.name, record.id_number, record.address, record.issuer) == (
        f["name"], f["id_number"], f["address"], f["issuer"])
    assert record.sex_code == f["sex"] and record.nation_code == f["nation"]
    assert record.birth_date.strftime("%Y%m%d") == f["birth"] and record.id_number_valid
    assert record.photo_wlt == IDENTITIES["resident"].photo()
    assert list(tmp_path.glob("*.wlt")) == []


def test_termb_without_xp_wlt_names_the_content_dir(sdk_twin_library: Path, sdk_reader_line: Ga467Emulator,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library writes its files elsewhere than options.content_dir: a read error naming the setting."""
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("HALL_SDK_TWIN_CONTENT_DIR", str(tmp_path / "elsewhere"))
    reader = sdk_reader(sdk_twin_library, family="termb", content_dir=str(tmp_path))
    sdk_reader_line.place_card("resident")
    try:
        with pytest.raises(RecordParseError, match="content_dir"):
            reader.read_once(5)
    finally:
        reader.close()


def test_a_role_outside_the_family_is_refused(sdk_twin_library: Path) -> None:
    with pytest.raises(ValidationError, match=r"functions\.find is not a role of the termb family"):
        IdCardSettings.model_validate({"driver": "sdk", "options": {
            "library": str(sdk_twin_library), "family": "termb", "functions": {"find": "X"}}})
