"""Finding the face to compare: the largest face of a frame, or the whole photo for an ID card photo.

An ID card photo (102×126) is a passport-style portrait: when the cascade misses the face in so few
pixels, the central part of the photo is taken as the face box rather than refusing the card.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from devices.camera.faces import FaceDetector
from devices.camera.protocol import FaceBox


def grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def largest_face(detector: FaceDetector, image: np.ndarray) -> FaceBox | None:
    boxes = detector.detect(grey(image))
    return boxes[0] if boxes else None


def portrait_box(image: np.ndarray) -> FaceBox:
    """Where the face sits in a standard ID portrait (head and shoulders, face centred above the middle)."""
    h, w = image.shape[:2]
    side = max(1, int(w * 0.52))  # measured on the sample ID photos (dlib's box: x 0.25 w, y 0.16 h)
    return FaceBox((w - side) // 2, int(h * 0.16), side, min(side, h - int(h * 0.16)))


def reference_face(detector: FaceDetector, image: np.ndarray) -> FaceBox:
    return largest_face(detector, image) or portrait_box(image)


def best_frames(seen: Sequence[tuple[np.ndarray, FaceBox]], count: int) -> list[tuple[np.ndarray, FaceBox]]:
    """Up to ``count`` of the frames with the largest faces (the citizen closest and most frontal)."""
    return sorted(seen, key=lambda fb: fb[1].w * fb[1].h, reverse=True)[:count]
