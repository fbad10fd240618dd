"""The technician screen's test actions: each runs off the GUI thread and returns a short,
non-personal summary (masked ID at most), so nothing personal stays on the screen or in logs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from config.privacy import mask_id_number
from devices.errors import DeviceError


def _need(devices: Any, kind: str) -> Any:
    dev = devices.drivers.get(kind)
    if dev is None:
        raise DeviceError(code=devices.open_errors.get(kind, "device.absent"))
    return dev


def test_id_card(devices: Any) -> str:
    record = _need(devices, "id_card").read_once(8.0)
    return f"ok {mask_id_number(record.id_number)}"


def test_ss_card(devices: Any) -> str:
    record = _need(devices, "ss_card").read_card(timeout_s=8.0)
    masked = mask_id_number(record.id_number) if record.id_number else record.holder_data
    return f"ok {record.card_version} {masked}"


def test_printer(devices: Any) -> str:
    from devices.printer.testpage import build_test_page

    printer = _need(devices, "printer")
    doc = build_test_page(paper_mm=printer.paper_mm, qr_mode=printer.qr_mode,
                          driver=printer.status().driver, at=datetime.now(UTC))
    result = printer.print_document(doc)
    return f"{getattr(result, 'state', 'printed')} {getattr(result, 'bytes_sent', '')}"


def test_camera(devices: Any) -> tuple[str, Any]:
    """One frame, returned for a brief preview (dropped when the technician leaves)."""
    frame = _need(devices, "camera").read_frame(timeout_s=3.0)
    return f"ok {frame.width}x{frame.height}", frame.image


def test_doc_camera(devices: Any) -> str:
    page = _need(devices, "doc_camera").capture_page(timeout_s=5.0)
    return f"ok {page.width}x{page.height} {page.size_bytes // 1024} KB"


def test_voice(devices: Any, text: str) -> str:
    announcement = _need(devices, "voice").announce(text, repeat=1).result(timeout=15)
    return f"ok {getattr(announcement, 'duration_s', 0):.1f} s"


def scan_summary(payload: Any) -> str:
    """What a scan test shows: the symbology and the length, never the content."""
    return f"ok {getattr(payload, 'type', '?')} ({len(str(getattr(payload, 'text', '')))} chars)"
