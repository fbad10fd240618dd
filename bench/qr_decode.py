"""QR decoding on 1280×720 camera-like frames, one core: fps of the default backend and of each backend."""

from __future__ import annotations

import argparse
import os
import time

import cv2
import numpy as np
import qrcode
from qrcode.image.pil import PilImage

from bench._stats import median
from devices.code_scanner.decoding import BACKENDS, Decoder

WIDTH, HEIGHT = 1280, 720
DEFAULT_BACKEND = "zxing"


def make_frames(count: int, seed: int = 7) -> list[np.ndarray]:
    """Frames as a kiosk camera sees a phone's service code: lit desk texture, code at varying
    place, size and tilt, slight blur and sensor noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(count):
        texture = cv2.GaussianBlur(rng.normal(0, 40, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 6)
        frame: np.ndarray = 150 + texture + np.linspace(-25, 25, WIDTH, dtype=np.float32)[None, :]
        qr = qrcode.make(f"https://zwfw.example.gov.cn/b/{i:06d}?t=A{i % 100:03d}",
                         box_size=int(rng.integers(5, 9)), border=3, image_factory=PilImage)
        code: np.ndarray = np.array(qr.get_image().convert("L"), np.float32)
        angle = float(rng.uniform(-25, 25))
        side = int(code.shape[0] * 1.45)  # room for the rotated corners, so no finder is cut off
        pad = (side - code.shape[0]) // 2
        code = cv2.copyMakeBorder(code, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        matrix = cv2.getRotationMatrix2D((code.shape[1] / 2, code.shape[0] / 2), angle, 1.0)
        code = cv2.warpAffine(code, matrix, code.shape[::-1], borderValue=255)
        h, w = code.shape
        y, x = int(rng.integers(0, HEIGHT - h)), int(rng.integers(0, WIDTH - w))
        frame[y:y + h, x:x + w] = code
        frame = cv2.GaussianBlur(frame, (0, 0), 1.0) + rng.normal(0, 2.5, frame.shape).astype(np.float32)
        frames.append(cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR))
    return frames


def measure(decoder: Decoder, frames: list[np.ndarray], runs: int) -> tuple[float, float]:
    """(median fps over runs, share of frames decoded). The colour→grey conversion is included."""
    rates, decoded = [], 0
    for run in range(runs):
        t0 = time.perf_counter()
        hits = sum(1 for frame in frames if decoder.decode(frame))
        rates.append(len(frames) / (time.perf_counter() - t0))
        if run == 0:
            decoded = hits
    return median(rates), decoded / len(frames)


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench qr_decode", description=__doc__)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)  # one core, as the target says; zxing-cpp and zbar are single-threaded per call
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    frames = make_frames(args.frames)
    backends: dict[str, float] = {}
    decoded: dict[str, float] = {}
    for name in BACKENDS:
        fps, ratio = measure(Decoder(backend=name), frames, args.runs)
        backends[name], decoded[name] = round(fps, 1), round(ratio, 3)
    # what limiting the search to the hall's formats buys (see DEFAULT_FORMATS)
    all_formats = ("qr", "micro_qr", "code128", "pdf417", "code39", "code93", "codabar", "ean13", "ean8",
                   "itf", "datamatrix", "aztec")
    all_fps, _ = measure(Decoder(backend="zxing", formats=all_formats), frames, max(1, args.runs // 2))
    return {"fps": backends[DEFAULT_BACKEND], "backends": backends, "default_backend": DEFAULT_BACKEND,
            "zxing_all_formats_fps": round(all_fps, 1),
            "frame_ms": round(1000 / backends[DEFAULT_BACKEND], 2),
            "decoded_ratio": decoded[DEFAULT_BACKEND], "pyzbar_decoded_ratio": decoded["pyzbar"],
            "frames": len(frames), "width": WIDTH, "height": HEIGHT}
