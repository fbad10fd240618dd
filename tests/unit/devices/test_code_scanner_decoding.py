"""Decoding QR, Code 128 and PDF417 from camera-like frames, both backends; robustness; the CLI helper."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from devices.code_scanner.decoding import Decoder, ImageUnreadable, scan_image_json
from devices.errors import DeviceConfigError
from tests.unit.devices.code_images import in_frame, qr, symbol

zxing = Decoder(backend="zxing")
zbar = Decoder(backend="pyzbar")

SERVICE_QR = "https://zwfw.example.gov.cn/check-in?booking=BK20240518-0042&号=A023"


@pytest.mark.parametrize("decoder", [zxing, zbar], ids=["zxing", "pyzbar"])
@pytest.mark.parametrize(("kind", "text"), [
    ("qr", SERVICE_QR), ("qr", "办件编码 3301-2024-000123"), ("code128", "RC-2024-000123"),
])
def test_both_backends_read_qr_and_code128(decoder: Decoder, kind: str, text: str) -> None:
    image = in_frame(qr(text) if kind == "qr" else symbol(text, kind))
    assert [(c.type, c.text) for c in decoder.decode(image)] == [(kind, text)]


def test_zxing_reads_pdf417_with_chinese() -> None:
    text = "姓名核验|PDF417|1234567890"
    assert [(c.type, c.text) for c in zxing.decode(in_frame(symbol(text, "pdf417")))] == [("pdf417", text)]


@pytest.mark.parametrize(("name", "image", "text"), [
    ("blur σ4", in_frame(qr("BLUR-01", box=10), blur_sigma=4), "BLUR-01"),
    ("rotated 33°", in_frame(qr("ROT-02", box=6), angle=33), "ROT-02"),
    ("rotated+blur+low contrast", in_frame(qr("HARD-03", box=8), angle=20, blur_sigma=2.5, contrast=0.35),
     "HARD-03"),
    ("code128 vertical", in_frame(symbol("VERT-04", "code128"), angle=90), "VERT-04"),
    ("code128 blurred", in_frame(symbol("C128-05", "code128", scale=4), blur_sigma=2), "C128-05"),
    ("pdf417 low contrast", in_frame(symbol("LOW-06", "pdf417"), contrast=0.35), "LOW-06"),
    ("grey 640x480", cv2.cvtColor(in_frame(qr("SMALL-07"), size=(640, 480)), cv2.COLOR_BGR2GRAY), "SMALL-07"),
])
def test_default_backend_is_robust(name: str, image: object, text: str) -> None:
    assert [c.text for c in zxing.decode(image)] == [text], name  # type: ignore[arg-type]


def test_two_codes_in_one_frame_and_no_duplicates() -> None:
    frame = in_frame(qr("LEFT"), size=(1280, 720))
    right = in_frame(qr("RIGHT"), size=(640, 720))
    frame[:, 640:] = right[:, :640]
    frame[:, :640] = in_frame(qr("LEFT"), size=(640, 720))
    assert sorted(c.text for c in zxing.decode(frame)) == ["LEFT", "RIGHT"]


def test_a_frame_without_codes_gives_nothing() -> None:
    assert zxing.decode(in_frame(qr("x")[:40, :40])) == []


def test_scan_image_json_for_the_technician_cli(tmp_path: Path) -> None:
    path = tmp_path / "label.png"
    cv2.imwrite(str(path), in_frame(symbol("RC-2024-000123", "code128")))
    assert scan_image_json(path) == [{"type": "code128", "text": "RC-2024-000123"}]
    assert scan_image_json(path, backend="pyzbar") == [{"type": "code128", "text": "RC-2024-000123"}]


def test_unreadable_images_are_typed_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a png at all")
    for path in (junk, tmp_path / "missing.png", tmp_path):
        with pytest.raises(ImageUnreadable) as info:
            scan_image_json(path)
        assert info.value.code == "device.code_scanner.image_unreadable"


def test_unknown_backend_and_format_are_config_errors() -> None:
    with pytest.raises(DeviceConfigError, match="zxing, pyzbar"):
        Decoder(backend="opencv")
    with pytest.raises(DeviceConfigError, match="expected some of"):
        Decoder(formats=("qr", "hologram"))


def test_repr_hides_the_text() -> None:
    (code,) = zxing.decode(in_frame(qr("110101199003071234")))
    assert "110101" not in repr(code)
