"""The document camera (高拍仪) kind: a typed Protocol and the frozen :class:`Page`.

A page is what the kiosk uploads as a material: the corrected, size-capped JPEG plus what the
pipeline found (the paper's corners in the camera frame, or None when it fell back to deskewing
the whole frame). Pages may show personal documents: the bytes stay out of ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from devices.status import DeviceStatus
from devices.worker import DeviceEvent

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Page:
    """One corrected page. ``corners`` are top-left, top-right, bottom-right, bottom-left in the
    source frame's pixels (None: no paper outline found, the whole frame was deskewed instead)."""

    jpeg: bytes = field(repr=False)
    width: int
    height: int
    corners: tuple[Point, Point, Point, Point] | None
    skew_deg: float = 0.0  # residual rotation that deskewing removed
    quality: int = 90  # JPEG quality used to meet the size cap

    @property
    def page_found(self) -> bool:
        return self.corners is not None

    @property
    def size_bytes(self) -> int:
        return len(self.jpeg)

    def to_json(self) -> dict[str, object]:
        return {"width": self.width, "height": self.height, "size_bytes": self.size_bytes,
                "page_found": self.page_found, "skew_deg": round(self.skew_deg, 2), "quality": self.quality,
                "corners": [[round(x, 1), round(y, 1)] for x, y in self.corners] if self.corners else None}


@runtime_checkable
class DocCamera(Protocol):
    """Every document-camera driver. ``capture_page`` raises DeviceOffline, DeviceTimeout or CameraError."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def capture_page(self, *, timeout_s: float = 5.0) -> Page: ...

    def status(self) -> DeviceStatus: ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
