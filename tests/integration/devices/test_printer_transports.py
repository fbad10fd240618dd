"""Printer contract through python-escpos' real transports: the ``escpos`` driver printing to the
capture twin over TCP (a network printer on 127.0.0.1), over a pty and over a socat pty pair; plus
a file transport and a real printer (``--hardware``, ``PRINTER_CONNECTION=...``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.errors import DeviceOffline, DeviceTimeout
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.protocol import JobState
from devices.printer.render import render
from devices.printer.testpage import print_test_page
from devices.twins.printer.capture_device import CaptureDevice, CaptureServer, SerialCaptureServer
from tests.rigs import free_port
from tests.rigs.serial_pty import PtyPair
from tests.rigs.waiting import budget
from tests.unit.devices.printer_contract import PrinterContract
from tests.unit.devices.printer_samples import samples


class TestEscposOverTcp(PrinterContract):
    @pytest.fixture(autouse=True)
    def _servers(self) -> Iterator[None]:
        self.servers: list[CaptureServer] = []
        yield
        for server in self.servers:
            server.stop()

    def make_printer(self, *, status_poll_s: float) -> tuple[EscposPrinter, CaptureDevice]:
        device = CaptureDevice()
        server = CaptureServer(device).start()
        self.servers.append(server)
        return EscposPrinter(connection=server.connection, timeout_s=2, status_poll_s=status_poll_s), device


class TestEscposOverPty(PrinterContract):
    paper_mm = 58

    @pytest.fixture(autouse=True)
    def _servers(self) -> Iterator[None]:
        self.servers: list[SerialCaptureServer] = []
        yield
        for server in self.servers:
            server.stop()

    def make_printer(self, *, status_poll_s: float) -> tuple[EscposPrinter, CaptureDevice]:
        device = CaptureDevice()
        server = SerialCaptureServer(device).start()
        self.servers.append(server)
        printer = EscposPrinter(connection=f"{server.connection}:115200", paper_mm=58, qr_mode="image",
                                timeout_s=2, status_poll_s=status_poll_s)
        return printer, device


def test_socat_pty_pair_serial_printer(serial_pty: PtyPair, tmp_path: Path) -> None:
    device = CaptureDevice(capture_dir=tmp_path)
    server = SerialCaptureServer(device, peer=serial_pty.peer).start()
    printer = EscposPrinter(connection=f"serial:{serial_pty.device}:9600", timeout_s=2, status_poll_s=0)
    try:
        doc = samples()["receipt"]
        assert printer.print_document(doc).state is JobState.PRINTED
        assert (tmp_path / "job-0001.bin").read_bytes() == render(doc)
        serial_pty.unplug()
        with pytest.raises((DeviceOffline, DeviceTimeout)):
            printer.print_document(doc)
    finally:
        printer.close()
        server.stop()


def test_file_transport_writes_the_job_and_reports_no_status(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    printer = EscposPrinter(connection=f"file:{out}", status_poll_s=0)
    try:
        doc = samples()["ticket"]
        result = printer.print_document(doc)
        assert result.state is JobState.PRINTED and not result.printer.readable
        assert out.read_bytes() == render(doc)  # no DLE EOT queries on a write-only device
        assert printer.status().code == "device.printer.no_status"
    finally:
        printer.close()


def test_network_printer_gone_is_offline_and_reconnects() -> None:
    device = CaptureDevice()
    server = CaptureServer(device).start()
    host, port = server.server_address[:2]
    printer = EscposPrinter(connection=server.connection, timeout_s=1, status_poll_s=0)
    try:
        assert printer.print_document(samples()["ticket"]).printed
        server.stop()
        with pytest.raises((DeviceOffline, DeviceTimeout)):
            printer.print_document(samples()["ticket"])
        assert printer.status().health.value == "offline"
        server = CaptureServer(device, host=str(host), port=int(port)).start()
        assert printer.print_document(samples()["ticket"]).printed  # reconnected on its own
        assert len(device.jobs) == 2
    finally:
        printer.close()
        server.stop()


@pytest.mark.hardware
def test_real_printer_prints_the_test_page() -> None:
    """Attach a printer and set PRINTER_CONNECTION (e.g. usb:0416:5011), PRINTER_PAPER_MM, PRINTER_QR_MODE."""
    connection = os.environ.get("PRINTER_CONNECTION", "")
    if not connection:
        pytest.skip("set PRINTER_CONNECTION to run against a real printer")
    printer = EscposPrinter(connection=connection, paper_mm=int(os.environ.get("PRINTER_PAPER_MM", "80")),
                            qr_mode=os.environ.get("PRINTER_QR_MODE", "native"), status_poll_s=0)
    try:
        assert printer.status().code in ("ok", "device.printer.near_end", "device.printer.no_status")
        result = print_test_page(printer)
        assert result["printed"] is True
    finally:
        printer.close()


def test_capture_printer_process_on_the_network(tmp_path: Path) -> None:
    """The twin as a separate process (as a bench or the demo runs it), printed to over TCP."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "devices.twins.printer.capture_device", "--listen", f"127.0.0.1:{port}",
         "--capture-dir", str(tmp_path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == f"tcp:127.0.0.1:{port}"
        printer = EscposPrinter(connection=f"tcp:127.0.0.1:{port}", timeout_s=2, status_poll_s=0)
        try:
            doc = samples()["notice"]
            assert printer.print_document(doc, job_id="N-1").printed
        finally:
            printer.close()
        assert (tmp_path / "job-0001.bin").read_bytes() == render(doc)
    finally:
        proc.terminate()
        proc.wait(budget(5))


def test_usb_printer_not_plugged_in_is_offline() -> None:
    """Through pyusb and libusb for real: no such device on this bus → DeviceOffline, no crash."""
    printer = EscposPrinter(connection="usb:0416:5011", timeout_s=1, status_poll_s=0)
    try:
        with pytest.raises(DeviceOffline):
            printer.open()
        status = printer.status()
        assert (status.health.value, status.code) == ("offline", "device.offline")
    finally:
        printer.close()
