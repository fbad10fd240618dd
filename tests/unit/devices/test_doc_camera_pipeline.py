"""Page pipeline on the generated desk photos: corners vs ground truth, upright output, size cap, PDF."""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.doc_camera.pdf import PdfError, pages_to_pdf
from devices.doc_camera.pipeline import estimate_skew, process, rotate
from devices.doc_camera.protocol import Page
from devices.twins.doc_camera.file_doc_camera import SAMPLES_DIR
from devices.twins.doc_camera.make_samples import compose, render_page
from tests.unit.devices.images import read_image

TRUTH = json.loads((SAMPLES_DIR / "truth.json").read_text(encoding="utf-8"))


def decode(page: Page) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(page.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[:2] == (page.height, page.width)
    return image


def assert_upright(image: np.ndarray, qr_text: str) -> None:
    """The form's QR sits in its top-right corner and reads at 0°: the page is upright."""
    (code,) = [c for c in zxingcpp.read_barcodes(image) if c.text == qr_text]
    assert abs(code.orientation) <= 3
    x, y = code.position.top_left.x, code.position.top_left.y
    assert x > image.shape[1] * 0.6 and y < image.shape[0] * 0.2


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_samples_corners_found_upright_and_under_the_cap(name: str) -> None:
    truth = TRUTH[name]
    page = process(read_image(SAMPLES_DIR / name))
    assert page.page_found
    assert np.abs(np.array(page.corners) - np.array(truth["corners"])).max() < 15
    assert page.size_bytes <= 500 * 1024
    assert 1.3 < page.height / page.width < 1.6  # an A4 sheet, portrait
    assert_upright(decode(page), truth["qr"])


def test_size_cap_is_met_by_lowering_quality_then_resolution() -> None:
    rng = np.random.default_rng(3)
    noisy = rng.integers(0, 255, (2400, 1800, 3), dtype=np.uint8)  # JPEG's worst case
    page = process(noisy, max_bytes=60 * 1024, do_enhance=False)
    assert page.size_bytes <= 60 * 1024
    assert page.width < 1800  # had to scale down as well
    sample = process(read_image(SAMPLES_DIR / "form_steep.jpg"), max_bytes=50 * 1024)
    assert sample.size_bytes <= 50 * 1024
    assert_upright(decode(sample), TRUTH["form_steep.jpg"]["qr"])


@pytest.mark.parametrize("angle", [-7.0, 4.5, 11.0])
def test_no_outline_falls_back_to_deskewing_the_whole_frame(angle: float) -> None:
    # The sheet fills the frame (no desk visible): nothing to detect, only the text slant to fix.
    sheet = rotate(render_page(9), angle)
    h, w = sheet.shape[:2]
    page = process(sheet[h // 6:h * 5 // 6, w // 6:w * 5 // 6])
    assert not page.page_found
    assert page.skew_deg == pytest.approx(-angle, abs=1.0)
    assert abs(estimate_skew(decode(page))) <= 1.0


def test_enhancement_flattens_the_shadow() -> None:
    frame = read_image(SAMPLES_DIR / "form_straight_dim.jpg")

    def paper_spread(page: Page) -> float:
        grey = cv2.cvtColor(decode(page), cv2.COLOR_BGR2GRAY)
        paper = grey[grey >= np.percentile(grey, 40)]  # the blank paper, not the ink
        return float(paper.std())

    assert paper_spread(process(frame, do_enhance=True)) < 0.5 * paper_spread(process(frame, do_enhance=False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 300), st.integers(1, 300), st.integers(0, 2**32 - 1), st.booleans())
def test_any_image_gives_a_page_never_a_crash(w: int, h: int, seed: int, grey: bool) -> None:
    rng = np.random.default_rng(seed)
    shape = (h, w) if grey else (h, w, 3)
    page = process(rng.integers(0, 256, shape, dtype=np.uint8), max_bytes=20 * 1024)
    assert page.size_bytes > 0 and page.width > 0 and page.height > 0


def test_multi_page_pdf() -> None:
    pages = [process(read_image(SAMPLES_DIR / name)) for name in sorted(TRUTH)[:3]]
    pdf = pages_to_pdf(pages)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3


def test_pdf_errors_are_typed() -> None:
    with pytest.raises(PdfError):
        pages_to_pdf([])
    with pytest.raises(PdfError) as info:
        pages_to_pdf([Page(jpeg=b"not a jpeg", width=1, height=1, corners=None)])
    assert info.value.code == "device.doc_camera.pdf"


def test_page_repr_hides_the_document() -> None:
    page = Page(jpeg=b"\xff\xd8secret", width=10, height=20, corners=None)
    assert "secret" not in repr(page) and page.to_json()["page_found"] is False


@pytest.mark.parametrize("rotation", [35.0, -38.0])
def test_steeply_rotated_sheets_still_come_out_upright(rotation: float) -> None:
    frame, quad = compose(("steep", rotation, 800, (960, 540), 0.03, 0.4), 11)
    page = process(frame)
    assert np.abs(np.array(page.corners) - quad).max() < 15
    assert_upright(decode(page), "DOC-SAMPLE-11")
