"""Printer parts: DLE EOT decoding, connection strings, error translation, the interpreter under any
bytes, the capture device's stream handling, and print_test_page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import serial
import zxingcpp
from escpos import exceptions as escpos_exc
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from devices.errors import (
    DeviceConfigError,
    DeviceError,
    DeviceOffline,
    DeviceTimeout,
    NotAPrinter,
    PrinterError,
    ProtocolError,
)
from devices.printer import commands as cmd
from devices.printer.document import Document, Qr
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.interpreter import Printout, interpret
from devices.printer.protocol import Paper, PrinterState
from devices.printer.render import render
from devices.printer.settings import PrinterSettings
from devices.printer.testpage import print_test_page
from devices.printer.transport import Connection, parse_connection, translated
from devices.status import Health
from devices.twins.printer.capture import CapturePrinter
from devices.twins.printer.capture_device import CaptureDevice

AT = datetime(2024, 5, 6, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("answers", "paper", "cover", "online", "code", "health"),
    [
        ((0x12, 0x12, 0x12), Paper.OK, False, True, "ok", Health.OK),
        ((0x12, 0x12, 0x1E), Paper.NEAR_END, False, True, "device.printer.near_end", Health.DEGRADED),
        ((0x1A, 0x32, 0x7E), Paper.OUT, False, False, "device.printer.paper_out", Health.OFFLINE),
        ((0x1A, 0x16, 0x12), Paper.OK, True, False, "device.printer.cover_open", Health.OFFLINE),
        ((0x1A, 0x12, 0x12), Paper.OK, False, False, "device.offline", Health.OFFLINE),
        ((0x12, 0x52, 0x12), Paper.OK, False, True, "device.printer.error", Health.OFFLINE),
    ],
)
def test_dle_eot_answers_map_to_states(answers: tuple[int, int, int], paper: Paper, cover: bool,
                                       online: bool, code: str, health: Health) -> None:
    state = PrinterState.from_answers(*answers)
    assert (state.paper, state.cover_open, state.online, state.code) == (paper, cover, online, code)
    status = state.to_device_status("escpos")
    assert (status.health, status.code) == (health, code) and status.message_zh and status.message_en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("usb:0416:5011", Connection("usb", "", vendor=0x0416, product=0x5011)),
        ("usb:0x04b8:0x0e15", Connection("usb", "", vendor=0x04B8, product=0x0E15)),
        ("serial:/dev/ttyS0", Connection("serial", "/dev/ttyS0", number=9600)),
        ("serial:/dev/ttyUSB0:115200", Connection("serial", "/dev/ttyUSB0", number=115200)),
        ("tcp:192.168.1.50", Connection("tcp", "192.168.1.50", number=9100)),
        ("tcp:printer.local:9101", Connection("tcp", "printer.local", number=9101)),
        ("file:/dev/usb/lp0", Connection("file", "/dev/usb/lp0")),
    ],
)
def test_connection_forms(text: str, expected: Connection) -> None:
    assert parse_connection(text) == expected


@pytest.mark.parametrize("text", ["", "usb:xyz:1", "serial:", "serial:/dev/ttyS0:12", "tcp:", "tcp:h:0",
                                  "tcp:h:99999", "lpt:1", "/dev/usb/lp0", "usb:0416"])
def test_bad_connections_name_the_forms(text: str) -> None:
    with pytest.raises(DeviceConfigError) as err:
        parse_connection(text)
    assert "tcp:HOST[:PORT]" in str(err.value) and err.value.code == "device.config"


def test_escpos_driver_needs_a_connection() -> None:
    with pytest.raises(DeviceConfigError):
        EscposPrinter(connection="")
    with pytest.raises(DeviceConfigError):
        EscposPrinter(connection="tcp:h", paper_mm=76)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (escpos_exc.DeviceNotFoundError("x"), DeviceOffline),
        (escpos_exc.USBNotFoundError("x"), DeviceOffline),
        (TimeoutError(), DeviceTimeout),
        (serial.SerialTimeoutException(), DeviceTimeout),
        (BrokenPipeError(), DeviceOffline),
        (serial.SerialException("gone"), DeviceOffline),
        (escpos_exc.BarcodeCodeError("x"), PrinterError),
        (RuntimeError("no usb library"), DeviceOffline),
    ],
)
def test_vendor_errors_are_translated_in_one_place(exc: Exception, expected: type[DeviceError]) -> None:
    with pytest.raises(expected) as err, translated("tcp:h:9100"):
        raise exc
    assert err.value.__cause__ is exc


@given(st.binary(max_size=400))
def test_interpreter_never_crashes(data: bytes) -> None:
    try:
        result = interpret(data)
    except ProtocolError:
        return
    assert isinstance(result, Printout)


def test_interpreter_rejects_unknown_and_truncated_commands() -> None:
    with pytest.raises(ProtocolError):
        interpret(b"\x1b@\x1bZ")
    with pytest.raises(ProtocolError):
        interpret(b"\x1d(k\x10\x001P0abc")


def test_capture_device_answers_status_split_across_packets() -> None:
    device = CaptureDevice()
    assert device.feed(b"\x1b@A\n\x10") == b""
    assert device.feed(b"\x04") == b""
    assert device.feed(b"\x04") == bytes([0x12])
    assert device.status_queries == 1 and device.unfinished_job() == b"\x1b@A\n"


def test_dle_eot_inside_image_data_is_not_a_status_query() -> None:
    bits = b"\x10\x04\x01" * 2 + b"\x00\x00"
    job = cmd.INIT + cmd.raster(bits, 1, 8) + cmd.CUT_PARTIAL
    device = CaptureDevice()
    assert device.feed(job) == b""
    assert device.jobs[0].data == job


def test_capture_dir_keeps_each_job(tmp_path: Path) -> None:
    printer = CapturePrinter(capture_dir=str(tmp_path), status_poll_s=0)
    doc = Document("t", (Qr("hello"),))
    try:
        printer.print_document(doc)
    finally:
        printer.close()
    # no cut in this job: it stays open until the next ESC @ or cut
    assert list(tmp_path.iterdir()) == [] and printer.device.unfinished_job() == render(doc)


def test_print_test_page_writes_exact_bytes_and_png(tmp_path: Path) -> None:
    out, png = tmp_path / "page.bin", tmp_path / "page.png"
    settings = PrinterSettings(driver="capture", paper_mm=58, qr_mode="image")
    result = print_test_page(settings, output=out, png=png, at=AT)
    assert result["printed"] is False and result["bytes"] == out.stat().st_size
    assert (result["output"], result["png"], result["paper_mm"], result["qr_mode"]) == (str(out), str(png), 58, "image")
    image = Image.open(png)
    assert image.width == 384
    assert "https://hall.invalid/print-test" in [r.text for r in zxingcpp.read_barcodes(image)]
    # the same page printed goes over the wire byte for byte as written
    printer = CapturePrinter(paper_mm=58, qr_mode="image", status_poll_s=0)
    try:
        printed = print_test_page(printer, at=AT)
        assert printed["printed"] is True and printed["job"]["state"] == "printed"
        assert printer.last_bytes() == out.read_bytes()
    finally:
        printer.close()


def test_print_test_page_through_settings_opens_and_closes_the_driver() -> None:
    result = print_test_page(PrinterSettings(driver="capture", status_poll_s=0), at=AT)
    assert result["printed"] is True and result["driver"] == "capture"


def test_print_test_page_reports_an_unreachable_printer() -> None:
    settings = PrinterSettings(driver="escpos", connection="tcp:127.0.0.1:1", timeout_s=1, status_poll_s=0)
    with pytest.raises(DeviceOffline):
        print_test_page(settings, at=AT)


@given(st.integers(0, 255).filter(lambda b: b & 0x93 != 0x12), st.integers(0, 2))
def test_a_byte_without_the_fixed_bits_is_not_a_printer_never_paper_or_cover(byte: int, position: int) -> None:
    answers = [0x12, 0x12, 0x12]
    answers[position] = byte
    with pytest.raises(NotAPrinter) as info:
        PrinterState.from_answers(*answers, where="tcp:10.0.0.9:9100")
    assert "tcp:10.0.0.9:9100" in str(info.value) and info.value.code == "device.printer.not_a_printer"


def test_not_a_printer_state_is_offline_with_its_own_code() -> None:
    status = PrinterState(online=False, paper=Paper.UNKNOWN, not_a_printer=True).to_device_status("escpos")
    assert (status.health, status.code) == (Health.OFFLINE, "device.printer.not_a_printer")
    assert "printer" in status.message_en and status.message_zh
