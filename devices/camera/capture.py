"""For ``devices capture --device camera``: one frame to a JPEG plus the face-quality verdict as JSON."""

from __future__ import annotations

from datetime import datetime
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
    at = datetime.fromtimestamp(frame.timestamp).astimezone().isoformat(timespec="milliseconds")  # local time
    result: dict[str, object] = {"width": frame.width, "height": frame.height, "at": at,
                                 "face": FaceQualityChecker().check(frame).to_json(), "output": None}
    if output:
        ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise CameraError("the frame could not be encoded as JPEG")
        Path(output).write_bytes(buf.tobytes())
        result["output"] = str(output)
    return result
