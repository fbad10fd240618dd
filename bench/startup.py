"""Kiosk start-up: process start to the home screen painted (offscreen), median of several runs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._stats import median

ROOT = Path(__file__).resolve().parents[1]


def one_run() -> float:
    """Seconds from just before spawning ``main.py kiosk --exit-after-paint`` to its first paint."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.time()
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "kiosk", "--exit-after-paint"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"kiosk exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    for line in proc.stdout.splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "painted_at" in fields:
            return float(fields["painted_at"]) - t0
    raise RuntimeError(f"kiosk printed no paint time: {proc.stdout[-300:]!r}")


def main(argv: list[str]) -> dict[str, float | int]:
    parser = argparse.ArgumentParser(prog="python -m bench startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    one_run()  # warm the page cache so the median measures the app, not the disk
    runs = [one_run() for _ in range(args.runs)]
    # the machine's load says how far the figures can be trusted (shared 2-core development box)
    return {"home_painted_s": round(median(runs), 3), "home_painted_max_s": round(max(runs), 3),
            "runs": len(runs), "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count() or 0}
