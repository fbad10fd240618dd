"""Face detection and quality verdicts on real photographs (samples/cases, see make_samples.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.camera.faces import CASCADES, FaceDetector, FaceQualityChecker
from devices.camera.protocol import QualityReason
from devices.errors import DeviceConfigError
from devices.twins.camera.file_camera import SAMPLES_DIR, FileCamera
from tests.unit.devices.images import read_image

CASES = SAMPLES_DIR / "cases"
checker = FaceQualityChecker()


def test_a_good_frame_passes_with_one_centred_face() -> None:
    result = checker.check(read_image(CASES / "ok.jpg"))
    assert result.ok, result.to_json()
    assert len(result.faces) == 1
    assert result.centre_offset < 0.05
    assert result.to_json()["reasons"] == []


@pytest.mark.parametrize(("name", "reason"), [
    ("no_face", QualityReason.NO_FACE),
    ("many_faces", QualityReason.MANY_FACES),
    ("too_small", QualityReason.TOO_SMALL),
    ("off_centre", QualityReason.OFF_CENTRE),
    ("blurry", QualityReason.BLURRY),
    ("too_dark", QualityReason.TOO_DARK),
    ("too_bright", QualityReason.TOO_BRIGHT),
])
def test_each_bad_frame_gets_its_reason(name: str, reason: QualityReason) -> None:
    result = checker.check(read_image(CASES / f"{name}.jpg"))
    assert not result.ok
    assert reason in result.reasons, result.to_json()
    if name not in {"many_faces", "no_face"}:
        assert len(result.reasons) == 1, result.to_json()  # one clear prompt, not a pile


def test_too_large_when_the_face_fills_the_frame() -> None:
    ok = read_image(CASES / "ok.jpg")
    close_up = cv2.resize(ok[230:500, 500:780], (1280, 720))  # crop around the face, blown up
    result = checker.check(close_up)
    assert QualityReason.TOO_LARGE in result.reasons or QualityReason.NO_FACE in result.reasons


def test_grey_and_tiny_images_do_not_crash() -> None:
    assert checker.check(np.zeros((10, 10), np.uint8)).reasons == (QualityReason.NO_FACE,)
    assert not checker.check(np.full((480, 640, 3), 255, np.uint8)).ok


def test_the_twin_stream_gives_acceptable_face_frames() -> None:
    with FileCamera(fps=200) as camera:
        verdicts = [checker.check(camera.read_frame(timeout_s=5)).ok for _ in range(3)]
    assert all(verdicts)


@pytest.mark.parametrize("cascade", CASCADES)
def test_every_shipped_cascade_loads_and_finds_the_face(cascade: str) -> None:
    faces = FaceDetector(cascade=cascade).detect(read_image(CASES / "ok.jpg", cv2.IMREAD_GRAYSCALE))
    assert len(faces) == 1


def test_unknown_cascade_is_a_config_error() -> None:
    with pytest.raises(DeviceConfigError, match="expected one of"):
        FaceDetector(cascade="yunet.onnx")
