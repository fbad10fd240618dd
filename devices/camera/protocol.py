"""The camera kind: a typed Protocol, the frozen Frame and the face-check results.

Drivers hand out :class:`Frame` objects only (never a ``cv2.VideoCapture`` or a raw tuple); the
kiosk translates :class:`QualityReason` codes into prompts ("请正对摄像头" …) by code, never by text.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from devices.status import DeviceStatus
from devices.worker import DeviceEvent

# What a camera ``source`` may name besides a device: still images and recorded video.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".avi", ".mp4", ".mkv", ".mov", ".webm", ".mjpg"})


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One BGR image (``height × width × 3``, uint8, read-only) and when it was taken.

    ``timestamp`` is ``time.time()`` at capture; ``index`` counts frames since the camera opened.
    The pixels may show a citizen's face: they stay out of ``repr``.
    """

    image: np.ndarray = field(repr=False)
    timestamp: float
    index: int = 0

    def __post_init__(self) -> None:
        # frozen means frozen: nobody downstream may draw on a frame another consumer holds.
        self.image.flags.writeable = False

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


class QualityReason(enum.StrEnum):
    """Why a frame is not good enough for a face photo; stable codes for the kiosk to translate."""

    NO_FACE = "camera.face.none"
    MANY_FACES = "camera.face.many"
    TOO_SMALL = "camera.face.too_small"
    TOO_LARGE = "camera.face.too_large"
    OFF_CENTRE = "camera.face.off_centre"
    BLURRY = "camera.face.blurry"
    TOO_DARK = "camera.face.too_dark"
    TOO_BRIGHT = "camera.face.too_bright"


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A detected face in frame pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True, slots=True)
class FaceCheck:
    """The verdict on one frame: ``ok`` when ``reasons`` is empty; measurements for the technician."""

    faces: tuple[FaceBox, ...]
    reasons: tuple[QualityReason, ...]
    sharpness: float  # variance of the Laplacian over the face (or the whole frame without one)
    brightness: float  # mean grey level 0..255 over the face (or the whole frame)
    face_ratio: float = 0.0  # face height / frame height
    centre_offset: float = 0.0  # distance of the face centre from the frame centre / frame diagonal

    @property
    def ok(self) -> bool:
        return not self.reasons

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "reasons": [r.value for r in self.reasons],
            "faces": [[f.x, f.y, f.w, f.h] for f in self.faces],
            "sharpness": round(self.sharpness, 1),
            "brightness": round(self.brightness, 1),
            "face_ratio": round(self.face_ratio, 3),
            "centre_offset": round(self.centre_offset, 3),
        }


@runtime_checkable
class Camera(Protocol):
    """What every camera driver offers. Calls are thread-safe; I/O runs on the device's worker.

    ``read_frame`` raises DeviceOffline (camera missing / gone), DeviceTimeout (no frame in time)
    or CameraError (the camera answered but gave no usable frame).
    """

    def open(self) -> None: ...

    def close(self) -> None: ...

    def read_frame(self, *, timeout_s: float = 2.0) -> Frame: ...

    def status(self) -> DeviceStatus: ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
