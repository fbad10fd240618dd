"""Twin ``file``: photographs of paper (default: the generated ``samples/``), one per capture, looping."""

from __future__ import annotations

from pathlib import Path

from devices.doc_camera._base import DocCameraBase
from devices.twins.camera.file_camera import FileCamera

SAMPLES_DIR = Path(__file__).with_name("samples")


class FileDocCamera(DocCameraBase):
    driver_name = "file"

    def __init__(self, *, source: str = "", width: int = 1920, height: int = 1080, max_page_kb: int = 500,
                 enhance: bool = True, **_other_drivers_options: object) -> None:
        camera = FileCamera(source=source, fps=30.0, width=width, height=height, kind="doc_camera",
                            default_dir=SAMPLES_DIR)
        super().__init__(camera=camera, max_page_kb=max_page_kb, enhance=enhance)
