"""Decode QR, Code 128, PDF417 (and the other common symbologies) from images.

Backends: ``zxing`` (zxing-cpp, default: ~6–8 ms a 720p frame and the most robust on blur,
rotation and low contrast) and ``pyzbar`` (libzbar0; slower, kept as a configurable fallback).
Measurements in docs/devices/code_scanner.md and ``python -m bench qr_decode``.
"""

from __future__ import annotations

import functools
import json
import operator
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

from devices.code_scanner.protocol import ScannedCode
from devices.errors import DeviceConfigError, DeviceError, DriverImportFailed

Backend = Literal["zxing", "pyzbar"]
BACKENDS: tuple[Backend, ...] = ("zxing", "pyzbar")

_ZXING_TYPES = {
    "QRCode": "qr", "QRCodeModel1": "qr", "QRCodeModel2": "qr", "MicroQRCode": "micro_qr",
    "Code128": "code128", "Code39": "code39", "Code39Std": "code39", "Code39Ext": "code39",
    "Code93": "code93", "Codabar": "codabar", "EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca",
    "UPCE": "upce", "ITF": "itf", "PDF417": "pdf417", "CompactPDF417": "pdf417",
    "DataMatrix": "datamatrix", "Aztec": "aztec", "AztecCode": "aztec", "DataBar": "databar",
    "DataBarExpanded": "databar", "DataBarLimited": "databar",
}
_ZBAR_TYPES = {
    "QRCODE": "qr", "CODE128": "code128", "CODE39": "code39", "CODE93": "code93", "CODABAR": "codabar",
    "EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "I25": "itf", "PDF417": "pdf417",
    "DATABAR": "databar", "DATABAR_EXP": "databar",
}


class ImageUnreadable(DeviceError):
    """The image file is missing or is not an image."""

    code = "device.code_scanner.image_unreadable"


# What the hall reads: service/booking QR codes, Code 128 case labels, PDF417 on documents.
# Limiting the search to these makes zxing-cpp ~3x faster on a 720p frame (bench qr_decode).
DEFAULT_FORMATS: tuple[str, ...] = ("qr", "micro_qr", "code128", "pdf417")
_ZXING_NAMES = {"qr": "QRCode", "micro_qr": "MicroQRCode", "code128": "Code128", "pdf417": "PDF417",
                "code39": "Code39", "ean13": "EAN13", "ean8": "EAN8", "datamatrix": "DataMatrix",
                "aztec": "Aztec", "itf": "ITF", "codabar": "Codabar", "code93": "Code93"}
_ZBAR_NAMES = {"qr": "QRCODE", "code128": "CODE128", "pdf417": "PDF417", "code39": "CODE39",
               "ean13": "EAN13", "ean8": "EAN8", "itf": "I25", "codabar": "CODABAR", "code93": "CODE93"}


class Decoder:
    """Stateless decoder over one backend; ``decode`` takes a BGR or grey numpy image.

    Raises DeviceConfigError for an unknown backend or format, DriverImportFailed when the
    backend's library (zxing-cpp, or pyzbar + libzbar0) cannot load.
    """

    def __init__(self, *, backend: str = "zxing", formats: tuple[str, ...] = DEFAULT_FORMATS) -> None:
        if backend not in BACKENDS:
            raise DeviceConfigError(f"code scanner backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        unknown = [f for f in formats if f not in _ZXING_NAMES]
        if unknown:
            raise DeviceConfigError(f"code formats {unknown}; expected some of {', '.join(sorted(_ZXING_NAMES))}")
        self.backend, self.formats = backend, formats
        try:
            if backend == "zxing":
                import zxingcpp

                self._zxing = zxingcpp
                self._zxing_formats = _zxing_formats(zxingcpp, formats)
            else:
                from pyzbar import pyzbar

                self._pyzbar = pyzbar
                # zbar has no Micro QR and no usable PDF417 decoder; it reads what it can.
                self._zbar_symbols = [pyzbar.ZBarSymbol[_ZBAR_NAMES[f]] for f in formats if f in _ZBAR_NAMES]
        except (ImportError, OSError) as exc:  # libzbar0 missing shows up as OSError/ImportError
            raise DriverImportFailed(f"code scanner backend {backend!r} cannot load ({exc}); "
                                     f"choose another of {', '.join(BACKENDS)}") from exc

    def decode(self, image: np.ndarray) -> list[ScannedCode]:
        """All codes found, in reading order, duplicates removed. Never raises on image content."""
        if image.ndim == 3:
            grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        else:
            grey = image
        grey = np.ascontiguousarray(grey, dtype=np.uint8)
        found = self._decode_zxing(grey) if self.backend == "zxing" else self._decode_zbar(grey)
        unique: list[ScannedCode] = []
        for code in found:
            if code not in unique:
                unique.append(code)
        return unique

    def _decode_zxing(self, grey: np.ndarray) -> list[ScannedCode]:
        results = self._zxing.read_barcodes(grey, formats=self._zxing_formats)
        return [ScannedCode(_ZXING_TYPES.get(r.format.name, r.format.name.lower()), r.text)
                for r in results if r.valid]

    def _decode_zbar(self, grey: np.ndarray) -> list[ScannedCode]:
        codes = []
        for r in self._pyzbar.decode(grey, symbols=self._zbar_symbols):
            text = _zbar_text(r.data)
            codes.append(ScannedCode(_ZBAR_TYPES.get(r.type, r.type.lower()), text))
        return codes


def _zxing_formats(zxingcpp: Any, formats: tuple[str, ...]) -> Any:
    members = [getattr(zxingcpp.BarcodeFormat, _ZXING_NAMES[f]) for f in formats]
    try:  # zxing-cpp 3.x takes a list; 2.x wants the formats or-ed together
        zxingcpp.read_barcodes(np.zeros((8, 8), np.uint8), formats=members)
        return members
    except TypeError:
        return functools.reduce(operator.or_, members)


def _zbar_text(data: bytes) -> str:
    # zbar hands out bytes; Chinese codes are UTF-8 (QR with ECI) or, from older issuers, GB18030.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
    if not text.isascii():
        # zbar may guess a QR byte segment is Shift-JIS and convert it; undo that when the
        # original bytes were UTF-8 (the usual case for Chinese service codes).
        try:
            return text.encode("shift_jis").decode("utf-8")
        except UnicodeError:
            pass
    return text


def read_image(path: str | Path) -> np.ndarray:
    """Load an image file as BGR. Raises ImageUnreadable."""
    data = np.fromfile(str(path), dtype=np.uint8) if Path(path).is_file() else None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data is not None and data.size else None
    if image is None:
        raise ImageUnreadable(f"not a readable image: {path}")
    return image


def scan_image(path: str | Path, *, backend: str = "zxing") -> list[ScannedCode]:
    """Every code in one image file. Raises ImageUnreadable, DeviceConfigError, DriverImportFailed."""
    return Decoder(backend=backend).decode(read_image(path))


def scan_image_json(path: str | Path, *, backend: str = "zxing") -> list[dict[str, str]]:
    """For ``devices scan --image FILE``: a list of ``{type, text}`` objects."""
    return [code.to_json() for code in scan_image(path, backend=backend)]


if __name__ == "__main__":  # a quick technician check without the CLI: python -m … FILE
    import sys

    print(json.dumps(scan_image_json(sys.argv[1]), ensure_ascii=False))
