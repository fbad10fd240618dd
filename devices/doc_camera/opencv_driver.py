"""Driver ``opencv``: a USB document camera (高拍仪) through OpenCV at high resolution.

Most 高拍仪 are UVC cameras: the main lens appears as ``/dev/videoN`` and gives 1920×1080 up to
3264×2448 in MJPG. ``source``/``width``/``height`` come from ``[devices.doc_camera]``.
"""

from __future__ import annotations

from devices.camera.opencv_driver import OpenCvCamera
from devices.doc_camera._base import DocCameraBase


class OpenCvDocCamera(DocCameraBase):
    driver_name = "opencv"

    def __init__(self, *, source: str = "", width: int = 1920, height: int = 1080, max_page_kb: int = 500,
                 enhance: bool = True, open_timeout_s: float = 5.0, **_other_drivers_options: object) -> None:
        camera = OpenCvCamera(source=source, width=width, height=height, fps=10.0, kind="doc_camera",
                              open_timeout_s=open_timeout_s, read_timeout_s=3.0)
        super().__init__(camera=camera, max_page_kb=max_page_kb, enhance=enhance)
