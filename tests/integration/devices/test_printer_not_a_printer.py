"""A non-printer on the printer's connection is ``device.printer.not_a_printer`` naming the connection,
never paper or cover: the escpos driver over a real TCP socket to a web server on the printer's port,
and over a pty to a device that echoes text; diagnose says what to check."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
import serial

from devices.errors import NotAPrinter, PrinterError
from devices.printer.escpos_driver import EscposPrinter
from devices.status import Health
from devices.worker import DeviceEvent
from tests.integration.devices.cli_args import only_device
from tests.rigs.hall_server import run_main
from tests.rigs.serial_pty import PtyPair
from tests.rigs.waiting import budget
from tests.unit.devices.printer_samples import samples


class WebServer:
    """Something on port 9100 that is not a printer: it answers every request with an HTTP error."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set():
                try:
                    if not conn.recv(256):
                        return
                except TimeoutError:
                    continue
                except OSError:
                    return
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def web_server() -> Iterator[WebServer]:
    server = WebServer()
    yield server
    server.stop()


def test_web_server_on_the_printer_port_is_not_a_printer(web_server: WebServer) -> None:
    connection = f"tcp:127.0.0.1:{web_server.port}"
    printer = EscposPrinter(connection=connection, timeout_s=1, status_poll_s=0)
    try:
        status = printer.status()
        assert (status.health, status.code) == (Health.OFFLINE, "device.printer.not_a_printer")
        with pytest.raises(NotAPrinter) as info:
            printer.print_document(samples()["receipt"])
        assert isinstance(info.value, PrinterError) and f"127.0.0.1:{web_server.port}" in str(info.value)
    finally:
        printer.close()


def test_idle_polling_reports_not_a_printer_not_paper(web_server: WebServer) -> None:
    printer = EscposPrinter(connection=f"tcp:127.0.0.1:{web_server.port}", timeout_s=1, status_poll_s=0.1)
    seen: list[DeviceEvent] = []
    got = threading.Event()

    def listen(event: DeviceEvent) -> None:
        seen.append(event)
        if event.name == "status_changed":
            got.set()

    printer.subscribe(listen)
    printer.open()
    try:
        assert got.wait(10)
    finally:
        printer.close()
    names = {e.name for e in seen}
    assert not names & {"paper_out", "cover_open", "paper_near_end"}
    codes = {e.payload.code for e in seen if e.name == "status_changed"}
    assert codes == {"device.printer.not_a_printer"}


def _text_device(peer: str, stop: threading.Event) -> None:
    """A barcode scanner left on the printer's serial line: every query gets a line of text."""
    with serial.serial_for_url(peer, baudrate=9600, timeout=budget(0.05)) as port:
        while not stop.is_set():
            if port.read(16):
                port.write(b"6901234567892\r")


def test_diagnose_names_the_connection_to_check(serial_pty: PtyPair) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=_text_device, args=(serial_pty.peer, stop), daemon=True)
    thread.start()
    try:
        done = run_main("devices", "diagnose", *only_device("printer", "devices.printer.driver=escpos",
                        f"devices.printer.connection=serial:{serial_pty.device}:9600", "devices.printer.timeout_s=1"))
    finally:
        stop.set()
        thread.join(5)
    report = json.loads(done.stdout)["devices"]["printer"]
    assert done.returncode == 1 and report["code"] == "device.printer.not_a_printer"
    assert serial_pty.device in report["next"]["en"] and "not an ESC/POS printer" in report["next"]["en"]
