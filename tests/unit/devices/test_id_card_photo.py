"""The ctypes photo decoder plug-in: both C signatures, broken libraries, and the driver's status.

The libraries are compiled here from C: they stand in for a vendor's licensed decoder, so what is
tested is the loading, the calling convention and the failure handling — not WLT decoding.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devices.id_card.errors import PhotoDecoderError
from devices.id_card.photo import VENDOR_BMP_LEN, WltDecoder
from devices.status import Health
from devices.twins.id_card.emulated import EmulatedGa467Reader
from tests.rigs import rig_missing

HALL_STYLE = r"""
#include <stddef.h>
#include <string.h>
/* a 1x1 24-bit BMP whose one pixel is the first three WLT bytes */
int hall_wlt_decode(const unsigned char *wlt, size_t n, unsigned char *bmp, size_t cap, size_t *len) {
    static const unsigned char head[54] = {'B','M',58,0,0,0, 0,0,0,0, 54,0,0,0, 40,0,0,0, 1,0,0,0, 1,0,0,0,
                                            1,0, 24,0};
    if (n != 1024 || cap < 58) return -1;
    memcpy(bmp, head, 54);
    memcpy(bmp + 54, wlt, 3);
    bmp[57] = 0;
    *len = 58;
    return 0;
}
"""
VENDOR_STYLE = r"""
#include <string.h>
int unpack(char *wlt, char *bmp, int save) {
    memset(bmp, 0x7f, 38862);
    bmp[0] = 'B'; bmp[1] = 'M'; bmp[2] = wlt[0];
    return save == 0 ? 1 : -2;
}
"""
FAILING = r"""
#include <stddef.h>
int hall_wlt_decode(const unsigned char *w, size_t n, unsigned char *b, size_t c, size_t *l) { return -3; }
"""
NOT_BMP = r"""
#include <stddef.h>
int hall_wlt_decode(const unsigned char *w, size_t n, unsigned char *b, size_t c, size_t *l) {
    b[0] = 'X'; b[1] = 'X'; *l = 2; return 0;
}
"""
NO_SYMBOL = "int something_else(void) { return 0; }\n"


def build(tmp_path: Path, name: str, source: str) -> str:
    if shutil.which("gcc") is None:
        rig_missing("gcc is needed to build the test decoder libraries")
    src, lib = tmp_path / f"{name}.c", tmp_path / f"lib{name}.so"
    src.write_text(source)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True, capture_output=True)
    return str(lib)


def test_hall_signature(tmp_path: Path) -> None:
    decoder = WltDecoder(build(tmp_path, "hall", HALL_STYLE))
    wlt = bytes(range(256)) * 4
    bmp = decoder.decode(wlt)
    assert decoder.style == "hall" and bmp[:2] == b"BM" and len(bmp) == 58 and bmp[54:57] == wlt[:3]
    with pytest.raises(PhotoDecoderError):
        decoder.decode(wlt[:100])


def test_vendor_unpack_signature(tmp_path: Path) -> None:
    decoder = WltDecoder(build(tmp_path, "vendor", VENDOR_STYLE))
    bmp = decoder.decode(b"\x42" + bytes(1023))
    assert decoder.style == "vendor" and len(bmp) == VENDOR_BMP_LEN and bmp[:3] == b"BMB"


@pytest.mark.parametrize(("name", "source"), [("failing", FAILING), ("notbmp", NOT_BMP)])
def test_decoder_failures_are_typed(tmp_path: Path, name: str, source: str) -> None:
    decoder = WltDecoder(build(tmp_path, name, source))
    with pytest.raises(PhotoDecoderError) as info:
        decoder.decode(bytes(1024))
    assert info.value.code == "id_card.photo_decoder"


def test_unloadable_libraries_are_typed(tmp_path: Path) -> None:
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not an ELF file")
    for path in (str(tmp_path / "missing.so"), str(junk), build(tmp_path, "nosym", NO_SYMBOL)):
        with pytest.raises(PhotoDecoderError):
            WltDecoder(path)


def test_driver_fills_photo_bmp_with_a_working_decoder(tmp_path: Path) -> None:
    reader = EmulatedGa467Reader(photo_decoder=build(tmp_path, "hall", HALL_STYLE), timeout_s=0.5)
    try:
        rec = reader.read_once(2)
        assert rec.photo_bmp is not None and rec.photo_bmp[54:57] == rec.photo_wlt[:3]
        assert reader.status().health is Health.OK
    finally:
        reader.close()


@pytest.mark.parametrize("broken", ["missing", "failing"])
def test_broken_decoder_degrades_and_never_fakes_a_photo(tmp_path: Path, broken: str) -> None:
    path = str(tmp_path / "missing.so") if broken == "missing" else build(tmp_path, "failing", FAILING)
    reader = EmulatedGa467Reader(photo_decoder=path, timeout_s=0.5)
    try:
        rec = reader.read_once(2)
        assert rec.photo_bmp is None and len(rec.photo_wlt) == 1024
        status = reader.status()
        assert status.health is Health.DEGRADED and status.code == "id_card.photo_decoder"
        assert isinstance(reader.photo_decoder_error, PhotoDecoderError)
    finally:
        reader.close()
