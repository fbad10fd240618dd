"""Twin ``simulated``: the demo's scanner. Hand it images (decoded by the same Decoder path the
``camera`` driver uses) or scanner lines (parsed by the same code the ``serial`` driver uses)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from devices.code_scanner._base import ScannerBase
from devices.code_scanner.decoding import Decoder, read_image
from devices.code_scanner.lines import LineSplitter
from devices.code_scanner.protocol import ScannedCode
from devices.errors import DeviceOffline


class SimulatedCodeScanner(ScannerBase):
    """``present_image`` / ``present_line`` play what a citizen holds up; results arrive as events."""

    driver_name = "simulated"

    def __init__(self, *, backend: str = "zxing", debounce_s: float = 2.0, terminator: str = "\r",
                 **_other_drivers_options: object) -> None:
        super().__init__(debounce_s=debounce_s)
        self.decoder = Decoder(backend=backend)
        self.terminator = terminator
        self._splitter = LineSplitter(terminator)
        self._open = False

    def open(self) -> None:
        self._worker.start()
        self._open = True
        self._set_ok()

    def close(self) -> None:
        self._open = False
        self._worker.stop()
        self._set_closed()

    def present_image(self, image: np.ndarray | str | Path, *, timeout_s: float = 5.0) -> list[ScannedCode]:
        """Decode an image (array or file) as if shown to the camera; returns the codes emitted.

        Raises DeviceOffline when closed, ImageUnreadable for a bad file.
        """
        self._require_open()
        pixels = read_image(image) if isinstance(image, str | Path) else image
        return self._worker.submit(lambda: self._emit_all(self.decoder.decode(pixels))).result(timeout_s)

    def present_line(self, data: bytes | str, *, timeout_s: float = 5.0) -> list[ScannedCode]:
        """Bytes as a line scanner sends them (terminator added to a str); returns the codes emitted."""
        self._require_open()
        raw = data.encode("utf-8") + self._splitter.terminator if isinstance(data, str) else data
        return self._worker.submit(lambda: self._emit_all(self._splitter.parse(raw))).result(timeout_s)

    def _emit_all(self, codes: list[ScannedCode]) -> list[ScannedCode]:
        return [code for code in codes if self._deliver(code)]

    def _require_open(self) -> None:
        if not self._open:
            raise DeviceOffline("simulated scanner is not open", code="device.scanner.closed")
