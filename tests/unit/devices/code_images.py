"""Generate code images for the scanner tests: QR with ``qrcode``, Code 128 / PDF417 with zxing-cpp's writer."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode
import zxingcpp
from qrcode.image.pil import PilImage


def qr(text: str, *, box: int = 8) -> np.ndarray:
    maker = qrcode.QRCode(box_size=box, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M,
                          image_factory=PilImage)
    maker.add_data(text)
    return np.array(maker.make_image().get_image().convert("L"), dtype=np.uint8)


def symbol(text: str, kind: str, *, scale: int = 3) -> np.ndarray:
    """``kind`` in code128 / pdf417 / qr, via zxing-cpp's writer (3.x create_barcode)."""
    fmt = {"code128": zxingcpp.BarcodeFormat.Code128, "pdf417": zxingcpp.BarcodeFormat.PDF417,
           "qr": zxingcpp.BarcodeFormat.QRCode}[kind]
    image: np.ndarray = np.array(zxingcpp.create_barcode(text, fmt).to_image(scale=scale), dtype=np.uint8)
    if kind == "code128":  # give a 1-D code some height, like a printed label
        image = cv2.resize(image, (image.shape[1], max(image.shape[0], 120)), interpolation=cv2.INTER_NEAREST)
    return cv2.copyMakeBorder(image, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)


def in_frame(code: np.ndarray, *, size: tuple[int, int] = (1280, 720), angle: float = 0.0,
             blur_sigma: float = 0.0, contrast: float = 1.0, seed: int = 0) -> np.ndarray:
    """Place a code on a noisy grey 'camera frame' (BGR), optionally rotated, blurred, washed out."""
    width, height = size
    rng = np.random.default_rng(seed)
    # a lit surface: smooth shading, some texture, a little sensor noise (not per-pixel snow)
    texture = cv2.GaussianBlur(rng.normal(0, 40, (height, width)).astype(np.float32), (0, 0), 6)
    shading = np.linspace(-25, 25, width, dtype=np.float32)[None, :]
    noise = rng.normal(0, 2.5, (height, width)).astype(np.float32)
    frame: np.ndarray = (150 + texture + shading + noise).clip(0, 255).astype(np.uint8)
    if angle:
        h, w = code.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
        matrix[0, 2] += nw / 2 - w / 2
        matrix[1, 2] += nh / 2 - h / 2
        code = cv2.warpAffine(code, matrix, (nw, nh), borderValue=255)
    h, w = code.shape
    if h > height or w > width:
        scale = min(height / h, width / w) * 0.9
        code = cv2.resize(code, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        h, w = code.shape
    y, x = (height - h) // 2, (width - w) // 2
    frame[y:y + h, x:x + w] = code
    if blur_sigma:
        frame = cv2.GaussianBlur(frame, (0, 0), blur_sigma)
    if contrast != 1.0:
        frame = cv2.convertScaleAbs(frame, alpha=contrast, beta=128 * (1 - contrast))
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
