"""The functions behind ``devices capture`` and ``devices scan`` on the twins."""

from __future__ import annotations

import threading
from pathlib import Path

from devices.camera.capture import capture_frame_json
from devices.code_scanner.technician import scan_once_json
from devices.doc_camera.capture import capture_page_json
from devices.twins.camera.file_camera import FileCamera
from devices.twins.code_scanner.simulated import SimulatedCodeScanner
from devices.twins.doc_camera.file_doc_camera import FileDocCamera
from tests.rigs.waiting import budget, wait_until
from tests.unit.devices.code_images import in_frame, qr
from tests.unit.devices.images import read_image


def test_capture_camera_frame_with_face_verdict(tmp_path: Path) -> None:
    out = tmp_path / "face.jpg"
    result = capture_frame_json(FileCamera(fps=100), output=out)
    assert result["face"]["ok"] is True  # type: ignore[index]
    assert read_image(out).shape == (720, 1280, 3)


def test_capture_doc_page_to_jpeg_and_pdf(tmp_path: Path) -> None:
    jpeg = capture_page_json(FileDocCamera(), output=tmp_path / "page.jpg")
    assert jpeg["page_found"] is True and jpeg["size_bytes"] <= 500 * 1024  # type: ignore[operator]
    assert (tmp_path / "page.jpg").read_bytes()[:2] == b"\xff\xd8"
    capture_page_json(FileDocCamera(), output=tmp_path / "page.pdf")
    assert (tmp_path / "page.pdf").read_bytes().startswith(b"%PDF-")


def test_scan_once_waits_for_the_first_code() -> None:
    scanner = SimulatedCodeScanner()

    def citizen_shows_a_code() -> None:
        wait_until(lambda: scanner.status().ok, timeout_s=10, what="the scanner open")
        scanner.present_image(in_frame(qr("WAITED-1")))

    shower = threading.Thread(target=citizen_shows_a_code)
    shower.start()
    assert scan_once_json(scanner, timeout_s=budget(10)) == [{"type": "qr", "text": "WAITED-1"}]
    shower.join(budget(10))
    assert scan_once_json(SimulatedCodeScanner(), timeout_s=0.2) == []
