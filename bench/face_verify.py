"""Face verification (人证比对): time per check on one core, false accept / false reject on the repo's test set.

Every pair of devices/twins/face_verifier/testset.py is one check: an ID photo (102×126; ``--wlt``: the
twin WLT photo, 40×50 grey, decoded by the twin C library) against three 1280×720 frames — detection,
liveness, comparison; the reference is embedded anew each time. ``still_*`` counts photos held still to
the camera (liveness must refuse them). Pinned to one CPU; ``load_avg_1m`` says how busy the machine was
(wall-clock ``p50_s`` grows with it, CPU time ``p50_cpu_s`` hardly does).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from bench._stats import median, percentile


def _wlt_reference(decoder_dir: Path) -> Callable[[np.ndarray], np.ndarray]:
    from devices.id_card.photo import WltDecoder
    from devices.twins.id_card.wlt_twin import build_decoder, encode

    decoder = WltDecoder(str(build_decoder(decoder_dir)))

    def reference(portrait: np.ndarray) -> np.ndarray:
        image = cv2.imdecode(np.frombuffer(decoder.decode(encode(portrait)), np.uint8), cv2.IMREAD_COLOR)
        assert image is not None
        return image

    return reference


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench face_verify")
    parser.add_argument("--driver", default="dlib", choices=["dlib", "twin"])
    parser.add_argument("--wlt", action="store_true", help="references through the twin WLT photo codec")
    parser.add_argument("--limit", type=int, default=0, help="at most this many pairs (0 = all)")
    args = parser.parse_args(argv)

    from devices.registry import open_device
    from devices.twins.face_verifier import testset as ts

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    src = ts.sources()
    with tempfile.TemporaryDirectory() as tmp:
        reference: Callable[[np.ndarray], np.ndarray] = _wlt_reference(Path(tmp)) if args.wlt else ts.id_photo
        pairs = list(ts.pairs())[: args.limit or None]
        verifier = open_device("face_verifier", args.driver)
        verifier.open()
        times: list[float] = []
        cpu: list[float] = []
        fa = fr = genuine = 0
        try:
            verifier.verify(reference(src[pairs[0].reference]), ts.frames(src[pairs[0].probe]))  # warm-up
            for i, p in enumerate(pairs):
                ref, frames = reference(src[p.reference]), ts.frames(src[p.probe], variant=p.variant, seed=i)
                start, start_cpu = time.perf_counter(), time.process_time()
                d = verifier.verify(ref, frames, timeout_s=60)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                genuine += p.genuine
                fr += p.genuine and not d.matched
                fa += not p.genuine and d.matched
            stills = [verifier.verify(reference(src[n]), ts.frames(src[n], still=True), timeout_s=60) for n in src]
        finally:
            verifier.close()
    impostor = len(pairs) - genuine
    return {
        "driver": args.driver,
        "reference": "wlt_twin_40x50_grey" if args.wlt else "id_photo_102x126",
        "people": len({ts.person(n) for n in src}),
        "photos": len(src),
        "pairs": len(pairs),
        "genuine_pairs": genuine,
        "impostor_pairs": impostor,
        "false_accepts": fa,
        "false_rejects": fr,
        "far": round(fa / impostor, 4) if impostor else None,
        "frr": round(fr / genuine, 4) if genuine else None,
        "still_attacks": len(stills),
        "still_refused": sum(not d.matched for d in stills),
        "p50_s": round(median(times), 4),
        "p95_s": round(percentile(times, 95), 4),
        # CPU seconds per check: what one free core would take, whatever else the machine is doing
        "p50_cpu_s": round(median(cpu), 4),
        "p95_cpu_s": round(percentile(cpu, 95), 4),
        "target_p50_s": 0.5,
        "cores_used": 1,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
