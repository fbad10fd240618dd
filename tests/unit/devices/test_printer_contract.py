"""Printer contract against the ``capture`` twin in-process (80 mm native QR, 58 mm image QR)."""

from __future__ import annotations

from devices import registry
from devices.printer.settings import PrinterSettings
from devices.twins.printer.capture import CapturePrinter
from devices.twins.printer.capture_device import CaptureDevice
from tests.unit.devices.printer_contract import PrinterContract


class TestCaptureTwin80Native(PrinterContract):
    def make_printer(self, *, status_poll_s: float) -> tuple[CapturePrinter, CaptureDevice]:
        printer = CapturePrinter(paper_mm=80, qr_mode="native", status_poll_s=status_poll_s)
        return printer, printer.device


class TestCaptureTwin58Image(PrinterContract):
    paper_mm = 58

    def make_printer(self, *, status_poll_s: float) -> tuple[CapturePrinter, CaptureDevice]:
        settings = PrinterSettings(driver="capture", paper_mm=58, qr_mode="image", status_poll_s=status_poll_s)
        printer = registry.open_device("printer", settings.driver, **settings.options())
        assert isinstance(printer, CapturePrinter)
        return printer, printer.device
