"""The technician's test page and ``print_test_page`` behind ``devices print-test [--output F] [--png F]``.

With ``output``/``png`` nothing is printed: the exact ESC/POS bytes the printer would receive (the
same page at the same time prints byte for byte the same) and their PNG preview are written instead,
so a page can be checked on a laptop with no printer.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devices import registry
from devices.errors import DeviceError
from devices.printer.document import Align, Barcode, Cut, Document, Element, Feed, Qr, Separator, Text, columns_for
from devices.printer.layouts import _time
from devices.printer.preview import write_png
from devices.printer.protocol import Printer, QrMode
from devices.printer.render import render
from devices.printer.settings import PrinterSettings

TEST_QR = "https://hall.invalid/print-test"
TEST_BARCODE = "TEST-0123"


def build_test_page(*, paper_mm: int, qr_mode: str, driver: str, at: datetime) -> Document:
    """Everything a technician checks by eye: width, Chinese, sizes, bold, alignment, QR, barcode, cut."""
    cols = columns_for(paper_mm)
    ruler = "".join(str(i % 10) for i in range(1, cols + 1))
    els: list[Element] = [
        Text("打印测试页", width=2, height=2, bold=True, align=Align.CENTER),
        Text("Printer test page", align=Align.CENTER),
        Separator("="),
        Text(f"driver: {driver}"),
        Text(f"paper: {paper_mm} mm / {cols} columns"),
        Text(f"QR: {qr_mode}"),
        Text(f"time: {_time(at)}"),
    ]
    els += [
        Separator(),
        Text(ruler),
        Text("汉" * (cols // 2)),
        Text("中文：政务服务大厅 一网通办，一次告知。"),
        Text("倍宽倍高 2x", width=2, height=2),
        Text("3x", width=3, height=3),
        Text("粗体 Bold", bold=True),
        Text("左 left", align=Align.LEFT),
        Text("中 center", align=Align.CENTER),
        Text("右 right", align=Align.RIGHT),
        Separator(),
        Qr(TEST_QR, module=5),
        Text("QR ↑", align=Align.CENTER),
        Barcode(TEST_BARCODE, height=60),
        Feed(2),
        Cut(),
    ]
    return Document("test_page", tuple(els))


def print_test_page(
    target: Printer | PrinterSettings,
    *,
    output: Path | None = None,
    png: Path | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Write (``output``/``png``) or print the test page; returns the JSON for ``devices print-test``.

    ``target`` is a configured PrinterSettings (the driver is opened only to print) or an open
    Printer. Raises DeviceError when printing fails, OSError when a file cannot be written.
    """
    at = at or datetime.now(UTC)
    paper_mm: int
    qr_mode: QrMode
    if isinstance(target, PrinterSettings):
        paper_mm, qr_mode, driver = target.paper_mm, target.qr_mode, target.driver
    else:
        paper_mm, qr_mode = target.paper_mm, target.qr_mode
        driver = str(getattr(target, "driver_name", type(target).__name__))
    result: dict[str, Any] = {"driver": driver, "paper_mm": paper_mm, "qr_mode": qr_mode,
                              "printed": False, "output": None, "png": None}
    if output is not None or png is not None:
        data = render(build_test_page(paper_mm=paper_mm, qr_mode=qr_mode, driver=driver, at=at),
                      paper_mm=paper_mm, qr_mode=qr_mode)
        if output is not None:
            Path(output).write_bytes(data)
            result["output"] = str(output)
        if png is not None:
            write_png(data, Path(png), paper_mm=paper_mm)
            result["png"] = str(png)
        result.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        return result
    printer, owned = _printer(target)
    try:
        job = printer.print_document(build_test_page(paper_mm=paper_mm, qr_mode=qr_mode, driver=driver, at=at))
    finally:
        if owned:
            printer.close()
    result.update(printed=job.printed, bytes=job.bytes_sent, job=job.to_json())
    return result


def _printer(target: Printer | PrinterSettings) -> tuple[Printer, bool]:
    if not isinstance(target, PrinterSettings):
        return target, False
    if not target.enabled:
        raise DeviceError("devices.printer.enabled is false on this terminal", code="device.disabled")
    printer: Printer = registry.open_device("printer", target.driver, **target.options())
    return printer, True
