"""Face detection and capture-quality checks for the kiosk's face photo.

Detector: OpenCV's Haar cascade ``haarcascade_frontalface_alt2.xml`` from the opencv-python-headless
4.x wheel (``cv2.data.haarcascades``) — nothing is downloaded at run time. Chosen over ``default``
(misses the small-face sample, one false face on the desk photos) and ``alt`` (same verdicts, no
faster) by measurement; YuNet would need an ONNX file no installed package ships
(docs/devices/camera.md). Detection runs on a copy scaled to ``detect_width`` pixels for speed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import cv2.data
import numpy as np

from devices.camera.protocol import FaceBox, FaceCheck, Frame, QualityReason
from devices.errors import DeviceConfigError

CASCADES = ("haarcascade_frontalface_alt2.xml", "haarcascade_frontalface_default.xml",
            "haarcascade_frontalface_alt.xml")


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Limits of a usable face photo; ratios are relative to the frame height / diagonal."""

    min_face_ratio: float = 0.18  # face height ≥ 18 % of the frame height: close enough
    max_face_ratio: float = 0.80  # … and not so close the head is cut off
    max_centre_offset: float = 0.12  # face centre within 12 % of the diagonal from the centre
    min_sharpness: float = 60.0  # variance of the Laplacian over the face region
    min_brightness: float = 60.0
    max_brightness: float = 200.0


class FaceDetector:
    """A Haar cascade from the OpenCV wheel. Thread-safe (one lock per detector)."""

    def __init__(self, *, cascade: str = CASCADES[0], detect_width: int = 640,
                 min_neighbors: int = 5, scale_factor: float = 1.1) -> None:
        path = Path(cv2.data.haarcascades) / cascade
        self._classifier = cv2.CascadeClassifier(str(path))
        if self._classifier.empty():
            raise DeviceConfigError(f"face cascade {cascade!r} not found in {path.parent}; "
                                    f"expected one of {', '.join(CASCADES)}")
        self.cascade, self.detect_width = cascade, detect_width
        self.min_neighbors, self.scale_factor = min_neighbors, scale_factor
        self._lock = threading.Lock()  # CascadeClassifier is not safe to share between threads

    def detect(self, grey: np.ndarray) -> tuple[FaceBox, ...]:
        """Faces in a grey image, in that image's pixels, largest first."""
        scale = min(1.0, self.detect_width / grey.shape[1])
        small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
        small = cv2.equalizeHist(small)
        min_side = max(24, int(0.08 * small.shape[0]))
        with self._lock:
            found = self._classifier.detectMultiScale(small, scaleFactor=self.scale_factor,
                                                      minNeighbors=self.min_neighbors,
                                                      minSize=(min_side, min_side))
        boxes = [FaceBox(int(x / scale), int(y / scale), int(w / scale), int(h / scale)) for x, y, w, h in found]
        return tuple(sorted(boxes, key=lambda b: b.w * b.h, reverse=True))


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian: low on blur (motion, focus), high on crisp edges."""
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


class FaceQualityChecker:
    """Checks one frame for a usable face photo: one face, size, centring, sharpness, exposure."""

    def __init__(self, *, detector: FaceDetector | None = None,
                 thresholds: QualityThresholds | None = None) -> None:
        self.detector = detector or FaceDetector()
        self.thresholds = thresholds or QualityThresholds()

    def check(self, frame: Frame | np.ndarray) -> FaceCheck:
        image = frame.image if isinstance(frame, Frame) else frame
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        faces = self.detector.detect(grey)
        t = self.thresholds
        reasons: list[QualityReason] = []
        if not faces:
            return FaceCheck(faces=(), reasons=(QualityReason.NO_FACE,), sharpness=sharpness(grey),
                             brightness=float(grey.mean()))
        if len(faces) > 1:
            reasons.append(QualityReason.MANY_FACES)
        face = faces[0]
        region = grey[face.y:face.y + face.h, face.x:face.x + face.w]
        height, width = grey.shape[:2]
        ratio = face.h / height
        cx, cy = face.centre
        offset = float(np.hypot(cx - width / 2, cy - height / 2) / np.hypot(width, height))
        # Blur and exposure are judged on the face, so a bright window behind the citizen does not count.
        sharp = sharpness(_normalised(region))
        bright = float(region.mean())
        if ratio < t.min_face_ratio:
            reasons.append(QualityReason.TOO_SMALL)
        elif ratio > t.max_face_ratio:
            reasons.append(QualityReason.TOO_LARGE)
        if offset > t.max_centre_offset:
            reasons.append(QualityReason.OFF_CENTRE)
        if sharp < t.min_sharpness:
            reasons.append(QualityReason.BLURRY)
        if bright < t.min_brightness:
            reasons.append(QualityReason.TOO_DARK)
        elif bright > t.max_brightness:
            reasons.append(QualityReason.TOO_BRIGHT)
        return FaceCheck(faces=faces, reasons=tuple(reasons), sharpness=sharp, brightness=bright,
                         face_ratio=ratio, centre_offset=offset)


def _normalised(region: np.ndarray) -> np.ndarray:
    # Fixed size and stretched contrast, so sharpness depends neither on how close the face is nor
    # on exposure (a dark face is reported as dark, not also as blurred).
    small = cv2.resize(region, (160, 160), interpolation=cv2.INTER_AREA)
    return cv2.normalize(small, np.empty_like(small), 0, 255, cv2.NORM_MINMAX)
