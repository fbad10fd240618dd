"""Twin ``twin``: a face verifier with no model — correlation of small, blurred, aligned face crops.

Same state rules as the real drivers (it shares :class:`WorkerFaceVerifier`: closed until opened,
liveness before comparison, decisions with a score and threshold, timeouts on the worker). It tells
the same photograph apart from a different face — also through the twin WLT photo's 40×50 grey — well
enough for the demo and the tests (same photo ≥ 0.93, other faces ≤ 0.61 on the sample set). It is
not a face recogniser: two different photographs of one person score far below its threshold.
Accuracy figures are the ``dlib`` driver's (docs/devices/face_verifier.md).
"""

from __future__ import annotations

import cv2
import numpy as np

from devices.camera.protocol import FaceBox
from devices.face_verifier._base import NoFace, WorkerFaceVerifier
from devices.face_verifier.faces import best_frames, grey, largest_face, portrait_box
from devices.face_verifier.protocol import BadReference, IdNumberReference, Reference

SIDE = 24


def signature(image: np.ndarray, box: FaceBox) -> np.ndarray:
    """The face as a 24×24 blurred grey patch, zero mean, unit length (for a normalised correlation)."""
    g = grey(image)
    crop = g[max(0, box.y):box.y + box.h, max(0, box.x):box.x + box.w]
    if crop.size == 0:
        raise NoFace()
    patch = cv2.GaussianBlur(cv2.resize(crop, (SIDE, SIDE), interpolation=cv2.INTER_AREA).astype(np.float32),
                             (0, 0), 1.0)
    patch -= patch.mean()
    return (patch / (np.linalg.norm(patch) + 1e-6)).ravel()


class TwinFaceVerifier(WorkerFaceVerifier):
    driver_name = "twin"

    def __init__(self, *, threshold: float = 0.8, liveness: bool = True, min_frames: int = 3,
                 **_other_drivers_options: object) -> None:
        super().__init__(threshold=threshold, liveness=liveness, min_frames=min_frames)

    def _score(self, reference: Reference, seen: list[tuple[np.ndarray, FaceBox]]
               ) -> tuple[float, dict[str, object]]:
        if isinstance(reference, IdNumberReference):
            raise BadReference("the twin verifier compares with a photo")
        if reference.size == 0:
            raise BadReference("empty reference photo")
        assert self._liveness is not None
        ref_box = largest_face(self._liveness.detector, reference) or portrait_box(reference)
        frame, box = best_frames(seen, 1)[0]
        return max(0.0, float(signature(reference, ref_box) @ signature(frame, box))), {}
