"""Driver ``dlib``: dlib's ResNet face embedding (128-d) with the models of ``face-recognition-models``.

Everything ships inside wheels (``dlib-bin``, ``face-recognition-models``, installed by ``make``):
nothing is downloaded at run time. Faces are found with dlib's HOG detector on a copy scaled to
``detect_width`` (more robust than OpenCV's cascade on these portraits, about as fast at that size),
aligned with dlib's 5-point shape predictor, embedded, and compared by Euclidean distance:
``score = 1 - distance``; a match needs ``distance <= tolerance`` (dlib's own 0.6 by default). The
median distance over the ``compare_frames`` best frames decides.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from devices.camera.faces import FaceDetector
from devices.camera.protocol import FaceBox
from devices.errors import DriverImportFailed
from devices.face_verifier._base import NoFace, WorkerFaceVerifier
from devices.face_verifier.faces import best_frames, grey, portrait_box
from devices.face_verifier.protocol import BadReference, IdNumberReference, Reference


class DlibFaceVerifier(WorkerFaceVerifier):
    driver_name = "dlib"

    def __init__(self, *, tolerance: float = 0.6, liveness: bool = True, min_frames: int = 3,
                 compare_frames: int = 1, detect_width: int = 480, **_other_drivers_options: object) -> None:
        super().__init__(threshold=1.0 - tolerance, liveness=liveness, min_frames=min_frames)
        self.tolerance, self.compare_frames, self.detect_width = tolerance, compare_frames, detect_width
        self._hog: Any = None
        self._dlib: Any = None
        self._sp: Any = None
        self._net: Any = None
        self._detector: FaceDetector | None = None

    def _load(self) -> None:
        try:
            import dlib  # type: ignore[import-not-found,import-untyped,unused-ignore]  # dlib-bin ships no type stubs
            import face_recognition_models  # type: ignore[import-not-found,import-untyped,unused-ignore]  # no stubs either
        except ImportError as exc:
            raise DriverImportFailed(
                "devices.face_verifier.driver='dlib' needs the packages dlib-bin and face-recognition-models "
                "(installed by make); choose another of dlib, provincial, twin or install them") from exc
        self._dlib = dlib
        self._sp = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
        self._net = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
        self._detector = FaceDetector()
        self._hog = dlib.get_frontal_face_detector()

    def detect(self, image: np.ndarray) -> FaceBox | None:
        """The largest face by dlib's HOG detector, in ``image`` pixels."""
        g = grey(image)
        scale = min(1.0, self.detect_width / g.shape[1])
        small = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else g
        found = self._hog(small, 0)
        if not found:  # a small face (citizen far away, an ID photo): look again at twice the size
            found = self._hog(small, 1)
        if not found:
            return None
        r = max(found, key=lambda r: r.width() * r.height())
        return FaceBox(int(r.left() / scale), int(r.top() / scale), int(r.width() / scale), int(r.height() / scale))

    def _faces(self, frames: list[np.ndarray]) -> list[tuple[np.ndarray, FaceBox]]:
        return [(f, b) for f in frames if (b := self.detect(f)) is not None]

    def embedding(self, image: np.ndarray, box: FaceBox) -> np.ndarray:
        """The 128-d descriptor of the face in ``box`` (BGR or grey image)."""
        rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB if image.ndim == 2 else cv2.COLOR_BGR2RGB)
        rect = self._dlib.rectangle(box.x, box.y, box.x + box.w, box.y + box.h)
        shape = self._sp(rgb, rect)
        return np.asarray(self._net.compute_face_descriptor(rgb, shape), dtype=np.float64)

    def _score(self, reference: Reference, seen: list[tuple[np.ndarray, FaceBox]]
               ) -> tuple[float, dict[str, object]]:
        if isinstance(reference, IdNumberReference):
            raise BadReference("the dlib verifier compares with a photo (the ID card's); "
                               "a registered photo by ID number needs the provincial driver")
        if reference.size == 0:
            raise BadReference("empty reference photo")
        ref = self.embedding(reference, self.detect(reference) or portrait_box(reference))
        picked = best_frames(seen, self.compare_frames)
        if not picked:
            raise NoFace()
        distances = [float(np.linalg.norm(ref - self.embedding(f, b))) for f, b in picked]
        distance = float(np.median(distances))
        return max(0.0, min(1.0, 1.0 - distance)), {}
