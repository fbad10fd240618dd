"""For ``devices capture --device doc_camera``: one corrected page to a JPEG (or a PDF) plus its JSON."""

from __future__ import annotations

from pathlib import Path

from devices.doc_camera.pdf import pages_to_pdf
from devices.doc_camera.protocol import DocCamera


def capture_page_json(doc_camera: DocCamera, *, output: str | Path | None = None,
                      timeout_s: float = 5.0) -> dict[str, object]:
    """Open, capture one page, close. ``output`` ending in ``.pdf`` gets a PDF, otherwise the JPEG.

    Raises DeviceError subclasses (DeviceOffline, DeviceTimeout, CameraError, PdfError).
    """
    doc_camera.open()
    try:
        page = doc_camera.capture_page(timeout_s=timeout_s)
    finally:
        doc_camera.close()
    result: dict[str, object] = {**page.to_json(), "output": None}
    if output:
        path = Path(output)
        path.write_bytes(pages_to_pdf([page]) if path.suffix.lower() == ".pdf" else page.jpeg)
        result["output"] = str(path)
    return result
