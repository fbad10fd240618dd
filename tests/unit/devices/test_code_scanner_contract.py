"""Scanner contract against the ``simulated`` twin (images and lines) and the ``camera`` driver."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices import registry
from devices.code_scanner.camera_scanner import CameraCodeScanner
from devices.code_scanner.settings import CodeScannerSettings
from devices.errors import DeviceOffline
from devices.twins.camera.file_camera import FileCamera
from devices.twins.code_scanner.simulated import SimulatedCodeScanner
from tests.unit.devices.code_images import in_frame, qr
from tests.unit.devices.scanner_contract import Collector, ScannerContract


class TestSimulatedWithImages(ScannerContract):
    def make_scanner(self, *, debounce_s: float) -> SimulatedCodeScanner:
        return SimulatedCodeScanner(debounce_s=debounce_s)

    def show(self, scanner: SimulatedCodeScanner, text: str) -> None:  # type: ignore[override]
        for _ in range(3):  # held up for three frames
            scanner.present_image(in_frame(qr(text)))


class TestSimulatedWithLines(ScannerContract):
    expected_type = "unknown"

    def make_scanner(self, *, debounce_s: float) -> SimulatedCodeScanner:
        return SimulatedCodeScanner(debounce_s=debounce_s, terminator="\r\n")

    def show(self, scanner: SimulatedCodeScanner, text: str) -> None:  # type: ignore[override]
        scanner.present_line(text)
        scanner.present_line(text.encode("gb18030") + b"\r\n")  # a GBK scanner repeating itself


class TestCameraScannerOnFrames(ScannerContract):
    """The real ``camera`` driver reading the twin camera's frames from a folder."""

    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "frames"
        self.folder.mkdir()
        self.hide(None)  # type: ignore[arg-type]

    def make_scanner(self, *, debounce_s: float) -> CameraCodeScanner:
        camera = FileCamera(source=str(self.folder), fps=60, kind="code_scanner")
        return CameraCodeScanner(camera=camera, debounce_s=debounce_s)

    def show(self, scanner: CameraCodeScanner, text: str) -> None:  # type: ignore[override]
        staging = self.folder.parent / "staging.png"  # write elsewhere, then swap in atomically
        cv2.imwrite(str(staging), in_frame(qr(text), size=(640, 480)))
        os.replace(staging, self.folder / "b.png")

    def hide(self, scanner: CameraCodeScanner) -> None:  # type: ignore[override]
        (self.folder / "b.png").unlink(missing_ok=True)
        cv2.imwrite(str(self.folder / "a.png"), np.full((480, 640, 3), 200, np.uint8))


def test_simulated_returns_what_it_emitted_and_refuses_when_closed(tmp_path: Path) -> None:
    scanner = SimulatedCodeScanner(debounce_s=10)
    with pytest.raises(DeviceOffline):
        scanner.present_line("A1")
    scanner.open()
    try:
        path = tmp_path / "qr.png"
        cv2.imwrite(str(path), in_frame(qr("FILE-1")))
        assert [c.text for c in scanner.present_image(path)] == ["FILE-1"]
        assert scanner.present_image(path) == []  # debounced
        assert [c.type for c in scanner.present_line("]C0RC-9")] == ["code128"]
    finally:
        scanner.close()


def test_camera_scanner_built_from_settings_reads_an_image_source(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "code.jpg"), in_frame(qr("SETTINGS-1")))
    settings = CodeScannerSettings(driver="camera", source=str(tmp_path / "code.jpg"), debounce_s=5)
    scanner = registry.open_device("code_scanner", settings.driver, **settings.options())
    collector = Collector()
    scanner.subscribe(collector)
    scanner.open()
    try:
        assert [c.text for c in collector.wait_codes(1)] == ["SETTINGS-1"]
    finally:
        scanner.close()


def test_camera_scanner_goes_offline_when_its_camera_is_missing(tmp_path: Path) -> None:
    scanner = CameraCodeScanner(source=str(tmp_path / "nothing-here.avi"))
    with pytest.raises(DeviceOffline):
        scanner.open()
    scanner.close()


def test_pyzbar_backend_through_the_same_path() -> None:
    scanner = SimulatedCodeScanner(backend="pyzbar", debounce_s=10)
    scanner.open()
    try:
        assert [c.text for c in scanner.present_image(in_frame(qr("ZBAR-1")))] == ["ZBAR-1"]
    finally:
        scanner.close()
