"""Twin ``capture``: the escpos driver's job logic, printing into an in-process :class:`CaptureDevice`.

Keeps the exact bytes of every job (and writes them to ``capture_dir`` when set), answers DLE EOT,
and lets a test or a technician cause paper out, near end and cover open. The same device can also
be served over TCP or a pty (see :mod:`devices.twins.printer.capture_device`) so the ``escpos`` driver's
real transports are exercised against it.
"""

from __future__ import annotations

from typing import Any

from escpos.escpos import Escpos

from devices.printer.escpos_driver import EscposPrinter
from devices.twins.printer.capture_device import CaptureDevice, CapturedJob


class CaptureTransport(Escpos):  # type: ignore[misc]  # python-escpos ships no types, so Escpos is Any
    """A python-escpos printer object whose wire is a CaptureDevice (like escpos' Dummy, but it answers)."""

    def __init__(self, device: CaptureDevice) -> None:
        super().__init__()
        self.capture = device
        self._answers = bytearray()

    def open(self) -> None:
        self.device = self.capture  # python-escpos treats a set device as "open"

    def _raw(self, msg: bytes) -> None:
        self._answers += self.capture.feed(bytes(msg))

    def _read(self) -> bytes:
        data = bytes(self._answers[:16])
        del self._answers[:16]
        return data

    def close(self) -> None:
        self._answers.clear()
        self._device = False


class CapturePrinter(EscposPrinter):
    """Options as ``[devices.printer]``; ``connection`` is not used (the device is in-process)."""

    driver_name = "capture"

    def __init__(self, *, device: CaptureDevice | None = None, **options: Any) -> None:
        self.device = device or CaptureDevice(capture_dir=options.get("capture_dir") or None)
        super().__init__(**options)

    def _parse(self, connection: str) -> Any:
        return "capture"

    def _open_transport(self) -> Escpos:
        transport = CaptureTransport(self.device)
        transport.open()
        return transport

    # conveniences for tests, the demo and the technician screen
    @property
    def jobs(self) -> list[CapturedJob]:
        return list(self.device.jobs)

    def last_bytes(self) -> bytes:
        job = self.device.last_job()
        return job.data if job else b""

    def simulate_paper_out(self, *, after_lines: int = 0) -> None:
        self.device.simulate_paper_out(after_lines=after_lines)

    def simulate_near_end(self) -> None:
        self.device.simulate_near_end()

    def open_cover(self) -> None:
        self.device.open_cover()

    def close_cover(self) -> None:
        self.device.close_cover()

    def load_paper(self) -> None:
        self.device.load_paper()
