"""Doc-camera contract against the ``file`` twin and the ``opencv`` driver on a recording of the samples."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from devices import registry
from devices.doc_camera._base import DocCameraBase
from devices.doc_camera.opencv_driver import OpenCvDocCamera
from devices.doc_camera.pdf import pages_to_pdf
from devices.doc_camera.protocol import DocCamera, Page
from devices.doc_camera.settings import DocCameraSettings
from devices.errors import DeviceOffline
from devices.status import Health
from devices.twins.doc_camera.file_doc_camera import SAMPLES_DIR, FileDocCamera
from tests.unit.devices.images import read_image


class DocCameraContract:
    def make(self, **options: object) -> DocCameraBase:
        raise NotImplementedError

    def test_is_a_doc_camera_closed_until_opened(self) -> None:
        camera = self.make()
        assert isinstance(camera, DocCamera)
        assert camera.status().health is Health.OFFLINE
        assert camera.status().kind == "doc_camera"
        with pytest.raises(DeviceOffline):
            camera.capture_page(timeout_s=2)

    def test_captures_corrected_pages_under_the_cap(self) -> None:
        camera = self.make(max_page_kb=300)
        camera.open()
        try:
            assert camera.status().health is Health.OK
            pages = [camera.capture_page(timeout_s=5) for _ in range(2)]
            pages.append(camera.submit_capture().result(timeout=15))
        finally:
            camera.close()
        assert camera.status().health is Health.OFFLINE
        for page in pages:
            assert isinstance(page, Page) and page.page_found
            assert page.size_bytes <= 300 * 1024 and page.height > page.width
        assert pages_to_pdf(pages).startswith(b"%PDF-")


class TestFileDocCamera(DocCameraContract):
    def make(self, **options: object) -> DocCameraBase:
        return FileDocCamera(**options)  # type: ignore[arg-type]


class TestOpenCvDocCameraOnRecording(DocCameraContract):
    @pytest.fixture(autouse=True)
    def _recording(self, tmp_path: Path) -> None:
        self.video = tmp_path / "desk.avi"
        writer = cv2.VideoWriter(str(self.video), cv2.VideoWriter.fourcc(*"MJPG"), 5, (1920, 1080))
        for path in sorted(SAMPLES_DIR.glob("*.jpg")):
            writer.write(read_image(path))
        writer.release()

    def make(self, **options: object) -> DocCameraBase:
        return OpenCvDocCamera(source=str(self.video), **options)  # type: ignore[arg-type]


def test_missing_photos_are_offline(tmp_path: Path) -> None:
    camera = FileDocCamera(source=str(tmp_path))
    with pytest.raises(DeviceOffline):
        camera.open()
    assert camera.status().health is Health.OFFLINE
    camera.close()


def test_registry_builds_both_drivers_from_settings() -> None:
    for driver, cls in (("file", FileDocCamera), ("opencv", OpenCvDocCamera)):
        settings = DocCameraSettings(driver=driver, source="" if driver == "file" else "0")
        assert isinstance(registry.open_device("doc_camera", settings.driver, **settings.options()), cls)


@pytest.mark.hardware
def test_real_document_camera(tmp_path: Path) -> None:
    import os

    source = os.environ.get("HALL_DOC_CAMERA_SOURCE")
    if not source:
        pytest.skip("set HALL_DOC_CAMERA_SOURCE (e.g. 1 or /dev/video2) with a sheet under the camera")
    with_camera = OpenCvDocCamera(source=source)
    with_camera.open()
    try:
        page = with_camera.capture_page(timeout_s=10)
    finally:
        with_camera.close()
    assert page.size_bytes <= 500 * 1024
