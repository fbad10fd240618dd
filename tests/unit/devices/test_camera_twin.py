"""Camera contract against the ``file`` twin (images and a video), plus the twin's own rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices import registry
from devices.camera.settings import CameraSettings
from devices.twins.camera.file_camera import SAMPLES_DIR, FileCamera
from tests.unit.devices.camera_contract import CameraContract, assert_reconnects
from tests.unit.devices.images import read_image


def write_video(path: Path, frames: int = 12, size: tuple[int, int] = (320, 240)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, size)
    assert writer.isOpened()
    base = read_image(SAMPLES_DIR / "face_centred.jpg")
    for i in range(frames):
        image = cv2.resize(base, size)
        cv2.putText(image, str(i), (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 255), 2)
        writer.write(image)
    writer.release()
    return path


class TestFileCameraOnSamples(CameraContract):
    def make_camera(self) -> FileCamera:
        return FileCamera(fps=200)


class TestFileCameraOnVideo(CameraContract):
    @pytest.fixture(autouse=True)
    def _video(self, tmp_path: Path) -> None:
        self.video = write_video(tmp_path / "clip.avi")

    def make_camera(self) -> FileCamera:
        return FileCamera(source=str(self.video), fps=200)


def test_default_source_is_the_bundled_face_samples() -> None:
    camera = FileCamera(fps=200)
    with camera:
        frame = camera.read_frame(timeout_s=5)
    assert (frame.width, frame.height) == (1280, 720)


def test_images_loop_in_name_order(tmp_path: Path) -> None:
    for i, value in enumerate((10, 120, 240)):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((20, 30, 3), value, np.uint8))
    with FileCamera(source=str(tmp_path), fps=500) as camera:
        means = [round(float(camera.read_frame().image.mean())) for _ in range(6)]
    assert means == [10, 120, 240, 10, 120, 240]


def test_missing_files_then_reconnect(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    camera = FileCamera(source=str(folder), fps=100)
    assert_reconnects(camera, lambda: shutil.copy(SAMPLES_DIR / "face_centred.jpg", folder / "a.jpg"))


def test_registry_builds_the_twin_from_settings() -> None:
    settings = CameraSettings(driver="file")
    camera = registry.open_device("camera", settings.driver, **settings.options())
    assert isinstance(camera, FileCamera)
