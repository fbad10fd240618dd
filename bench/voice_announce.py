"""Voice: time to synthesise one call ("请 A023 号 到 5 号窗口 办理", said once) with each driver."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time

from bench._stats import median
from devices.voice.clips import ClipVoice
from devices.voice.espeak import EspeakVoice
from devices.voice.protocol import Call


def main(argv: list[str]) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m bench voice_announce")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    out: dict[str, float] = {}
    drivers: dict[str, type[ClipVoice | EspeakVoice]] = {"clips": ClipVoice}
    if shutil.which("espeak-ng"):
        drivers["espeak"] = EspeakVoice
    for name, cls in drivers.items():
        with tempfile.TemporaryDirectory() as tmp:
            voice = cls(output_dir=tmp, repeat=1)
            voice.open()
            try:
                times, duration = [], 0.0
                for i in range(args.runs):
                    t0 = time.perf_counter()
                    done = voice.announce(Call(f"A{i:03d}", 5)).result(60)
                    times.append((time.perf_counter() - t0) * 1000)
                    duration = done.duration_s
            finally:
                voice.close()
        out[f"{name}_p50_ms"] = round(median(times), 2)
        out[f"{name}_audio_s"] = round(duration, 2)
    return out
