"""Basic liveness from several frames: the face moved, or the eyes blinked (a still photo does neither).

Movement is the largest shift of the face box centre (or change of its size) between frames relative
to the face width, plus the change of the face's own pixels; a blink is the eye cascade finding open
eyes in some frames and not in others. Both use OpenCV's cascades from the wheel (cv2.data).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import cv2.data
import numpy as np

from devices.camera.faces import FaceDetector
from devices.camera.protocol import FaceBox
from devices.face_verifier.faces import grey
from devices.face_verifier.protocol import Liveness

EYES = "haarcascade_eye_tree_eyeglasses.xml"




class LivenessChecker:
    """Judges a few frames of one citizen. Thread-safe as far as its FaceDetector is."""

    def __init__(self, *, detector: FaceDetector | None = None, min_motion: float = 0.03,
                 min_pixel_change: float = 0.02) -> None:
        # 400 px wide and 3 neighbours: found every face of the sample set's frames but one (testset.py)
        self.detector = detector or FaceDetector(detect_width=400, min_neighbors=3)
        self.min_motion, self.min_pixel_change = min_motion, min_pixel_change
        self._eyes = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / EYES))

    def faces(self, frames: Sequence[np.ndarray]) -> list[tuple[np.ndarray, FaceBox]]:
        """(grey frame, largest face) for every frame that shows one."""
        found = []
        for frame in frames:
            g = grey(frame)
            boxes = self.detector.detect(g)
            if boxes:
                found.append((g, boxes[0]))
        return found

    def _eyes_open(self, g: np.ndarray, box: FaceBox) -> bool:
        upper = g[max(0, box.y):box.y + box.h // 2, max(0, box.x):box.x + box.w]
        if upper.size == 0 or self._eyes.empty():
            return False
        # eyes are judged on a face 120 px wide whatever the camera: fast, and the same limits for everyone
        upper = cv2.resize(upper, (120, max(1, round(120 * upper.shape[0] / upper.shape[1]))),
                           interpolation=cv2.INTER_AREA)
        return len(self._eyes.detectMultiScale(upper, 1.1, 4, minSize=(12, 12))) > 0

    def check(self, frames: Sequence[np.ndarray]) -> Liveness:
        return self.judge([(grey(f), b) for f, b in self.faces(frames)])

    def judge(self, seen: Sequence[tuple[np.ndarray, FaceBox]]) -> Liveness:
        """Liveness of faces already found: (frame, its largest face) in the order taken."""
        seen = [(grey(f), b) for f, b in seen]
        if len(seen) < 2:
            return Liveness(live=False, motion=0.0, blink=False, frames=len(seen))
        _, first = seen[0]
        cx0, cy0 = first.centre
        crop0 = _crop(*seen[0])
        motion = pixels = 0.0
        for g, box in seen[1:]:
            cx, cy = box.centre
            shift = float(np.hypot(cx - cx0, cy - cy0)) / first.w
            scale = abs(box.w - first.w) / first.w
            motion = max(motion, shift, scale)
            pixels = max(pixels, float(np.mean(cv2.absdiff(crop0, _crop(g, box)))) / 255.0)
        eyes = [self._eyes_open(g, b) for g, b in seen]
        blink = any(eyes) and not all(eyes)
        # the head moved (box shift or size change), or the face itself changed (expression, lighting)
        moved = motion >= self.min_motion or pixels >= self.min_pixel_change
        return Liveness(live=bool(moved or blink), motion=max(motion, pixels), blink=blink, frames=len(seen))


def _crop(g: np.ndarray, box: FaceBox) -> np.ndarray:
    region = g[max(0, box.y):box.y + box.h, max(0, box.x):box.x + box.w]
    return cv2.resize(region, (64, 64), interpolation=cv2.INTER_AREA)
