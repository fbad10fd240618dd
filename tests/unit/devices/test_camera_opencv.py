"""The real ``opencv`` driver: contract on a recording (VideoCapture on a file), errors, hardware."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devices.camera.opencv_driver import OpenCvCamera, parse_source
from devices.errors import DeviceConfigError, DeviceOffline
from devices.status import Health
from tests.unit.devices.camera_contract import CameraContract, assert_reconnects
from tests.unit.devices.test_camera_twin import write_video


class TestOpenCvCameraOnRecording(CameraContract):
    @pytest.fixture(autouse=True)
    def _video(self, tmp_path: Path) -> None:
        self.video = write_video(tmp_path / "clip.avi")

    def make_camera(self) -> OpenCvCamera:
        return OpenCvCamera(source=str(self.video))


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0), ("0", 0), ("2", 2), ("/dev/video0", "/dev/video0"), ("rtsp://10.0.0.5/live", "rtsp://10.0.0.5/live"),
])
def test_source_forms(text: str, expected: int | str) -> None:
    assert parse_source(text) == expected


@pytest.mark.parametrize("text", ["-1", "no-such-file.avi", "video 0"])
def test_bad_sources_are_config_errors_naming_the_forms(text: str) -> None:
    with pytest.raises(DeviceConfigError, match="index"):
        parse_source(text)


def test_absent_camera_index_is_offline_not_a_crash() -> None:
    camera = OpenCvCamera(source="63", open_timeout_s=5)
    with pytest.raises(DeviceOffline):
        camera.open()
    assert camera.status().health is Health.OFFLINE
    camera.close()


def test_recording_that_appears_later_is_picked_up(tmp_path: Path) -> None:
    target = tmp_path / "late.avi"
    camera = OpenCvCamera(source=str(target))
    assert_reconnects(camera, lambda: write_video(target))


@pytest.mark.hardware
def test_real_camera() -> None:
    source = os.environ.get("HALL_CAMERA_SOURCE")
    if not source:
        pytest.skip("set HALL_CAMERA_SOURCE (e.g. 0 or /dev/video0) to test a real camera")
    with OpenCvCamera(source=source) as camera:
        frame = camera.read_frame(timeout_s=5)
    assert frame.width >= 320
