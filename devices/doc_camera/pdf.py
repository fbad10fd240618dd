"""Several pages → one PDF, with Pillow (no PDF library needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError

from devices.doc_camera.protocol import Page
from devices.errors import DeviceError


class PdfError(DeviceError):
    """The pages could not be assembled into a PDF (no pages, or a page that is not a JPEG)."""

    code = "device.doc_camera.pdf"


def pages_to_pdf(pages: Sequence[Page], *, dpi: float = 150.0, title: str = "") -> bytes:
    """One PDF page per Page, in order, each sized from its pixels at ``dpi``. Raises PdfError."""
    if not pages:
        raise PdfError("no pages to put in the PDF")
    try:
        opened = [Image.open(io.BytesIO(page.jpeg)) for page in pages]
        for image in opened:
            image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise PdfError(f"a page is not a readable JPEG: {exc}") from exc
    images: list[Image.Image] = [im if im.mode in {"RGB", "L"} else im.convert("RGB") for im in opened]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi,
                   title=title or "materials")
    return out.getvalue()
