"""Twin ``twin``: a face verifier with no model — LBP texture histograms of the aligned face crops.

Same state rules as the real drivers (it shares :class:`WorkerFaceVerifier`: closed until opened,
liveness before comparison, decisions with a score and threshold, timeouts on the worker), and it tells
the same photograph apart from a different face well enough for the demo and the tests. It is not a
face recogniser: two different photographs of one person often score below its threshold. Accuracy
figures are the ``dlib`` driver's (docs/devices/face_verifier.md).
"""

from __future__ import annotations

import cv2
import numpy as np

from devices.camera.protocol import FaceBox
from devices.face_verifier._base import NoFace, WorkerFaceVerifier
from devices.face_verifier.faces import best_frames, grey, largest_face, portrait_box
from devices.face_verifier.protocol import BadReference, IdNumberReference, Reference

SIZE, GRID = 96, 4


def lbp_histogram(image: np.ndarray, box: FaceBox) -> np.ndarray:
    """Concatenated per-cell histograms (GRID × GRID cells, 256 bins each, each summing to 1)."""
    g = grey(image)
    crop = g[max(0, box.y):box.y + box.h, max(0, box.x):box.x + box.w]
    if crop.size == 0:
        raise NoFace()
    crop = cv2.equalizeHist(cv2.resize(crop, (SIZE + 2, SIZE + 2), interpolation=cv2.INTER_AREA)).astype(np.int16)
    centre = crop[1:-1, 1:-1]
    codes = np.zeros_like(centre, dtype=np.uint8)
    shifts = ((0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0))
    for bit, (dy, dx) in enumerate(shifts):
        codes |= ((crop[dy:dy + SIZE, dx:dx + SIZE] >= centre).astype(np.uint8) << bit)
    cell = SIZE // GRID
    hists = [np.bincount(codes[y:y + cell, x:x + cell].ravel(), minlength=256) / (cell * cell)
             for y in range(0, SIZE, cell) for x in range(0, SIZE, cell)]
    return np.concatenate(hists)


class TwinFaceVerifier(WorkerFaceVerifier):
    driver_name = "twin"

    def __init__(self, *, threshold: float = 0.62, liveness: bool = True, min_frames: int = 3,
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
        ref = lbp_histogram(reference, ref_box)
        frame, box = best_frames(seen, 1)[0]
        probe = lbp_histogram(frame, box)
        return float(np.minimum(ref, probe).sum() / (GRID * GRID)), {}
