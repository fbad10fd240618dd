"""For ``devices capture --device camera``: one frame to a JPEG plus the face-quality verdict as JSON."""

from __future__ import annotations

from pathlib import Path

import cv2

from devices.camera.faces import FaceQualityChecker
from devices.camera.protocol import Camera
from devices.errors import CameraError


def capture_frame_json(camera: Camera, *, output: str | Path | None = None,
                       timeout_s: float = 5.0) -> dict[str, object]:
    """Open, read one frame, close. Writes ``output`` (JPEG) when given. Raises DeviceError subclasses."""
    camera.open()
    try:
        frame = camera.read_frame(timeout_s=timeout_s)
    finally:
        camera.close()
    result: dict[str, object] = {"width": frame.width, "height": frame.height, "timestamp": frame.timestamp,
                                 "face": FaceQualityChecker().check(frame).to_json(), "output": None}
    if output:
        ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise CameraError("the frame could not be encoded as JPEG")
        Path(output).write_bytes(buf.tobytes())
        result["output"] = str(output)
    return result
