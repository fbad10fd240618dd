"""Document camera: a 1920×1080 desk photo → corrected, enhanced, size-capped page (p50 ms, one core)."""

from __future__ import annotations

import argparse
import time

import cv2

from bench._stats import median, percentile
from devices.doc_camera.pipeline import process
from devices.twins.doc_camera.file_doc_camera import SAMPLES_DIR


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench doc_capture", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="passes over the sample photos")
    parser.add_argument("--max-page-kb", type=int, default=500)
    parser.add_argument("--no-enhance", action="store_true")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    frames = [f for p in sorted(SAMPLES_DIR.glob("*.jpg")) if (f := cv2.imread(str(p))) is not None]
    if not frames:
        raise SystemExit(f"no sample photos in {SAMPLES_DIR}; run python -m devices.twins.doc_camera.make_samples")
    process(frames[0])  # warm-up: first-call allocations are not what a citizen waits for
    times, sizes, found = [], [], 0
    for _ in range(args.runs):
        for frame in frames:
            t0 = time.perf_counter()
            page = process(frame, max_bytes=args.max_page_kb * 1024, do_enhance=not args.no_enhance)
            times.append((time.perf_counter() - t0) * 1000)
            sizes.append(page.size_bytes / 1024)
            found += page.page_found
    return {"p50_ms": round(median(times), 1), "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1), "page_kb": round(median(sizes), 1),
            "pages_found_ratio": round(found / len(times), 3), "pages": len(times),
            "width": frames[0].shape[1], "height": frames[0].shape[0]}
