"""Social-security card read through the real pcscd + vpcd (virtual card): p50 per generation/style."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from bench._stats import median, percentile


def _private_pcscd() -> None:
    """Use a private pcscd (own socket and vpcd port) when possible, like the test rig."""
    from devices.twins.ss_card.pcscd import can_isolate

    if os.environ.get("PCSCLITE_CSOCK_NAME") or not can_isolate():
        return
    run_dir = tempfile.mkdtemp(prefix="hall-bench-pcscd-")
    os.environ["PCSCLITE_CSOCK_NAME"] = os.path.join(run_dir, "pcscd.comm")
    os.environ["HALL_VPCD_PORT"] = "39963"


def main(argv: list[str]) -> dict[str, float | int]:
    parser = argparse.ArgumentParser(prog="python -m bench ss_card_read")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    _private_pcscd()
    from devices.errors import NoCard
    from devices.twins.ss_card.emulated import EmulatedPcscReader

    result: dict[str, float | int] = {"runs": args.runs}
    cases = [("2.0", "t0", ""), ("2.0", "t1", ""), ("3.0", "t0", "00 01")]
    for generation, style, psam in cases:
        twin = EmulatedPcscReader(insert_on_start=False, psam_reader=psam, poll_interval_s=5.0)
        twin.open()
        try:
            t_insert = time.perf_counter()
            twin.insert_card(generation=generation, answer_style=style)
            while True:
                try:
                    twin.read_card(timeout_s=5)
                    break
                except NoCard:
                    time.sleep(0.005)
            key = f"g{generation[0]}_{style}{'_psam' if psam else ''}"
            result[f"{key}_insert_to_read_s"] = round(time.perf_counter() - t_insert, 4)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                twin.read_card(timeout_s=5)
                times.append(time.perf_counter() - t0)
            result[f"{key}_p50_ms"] = round(median(times) * 1000, 2)
            result[f"{key}_p95_ms"] = round(percentile(times, 95) * 1000, 2)
        finally:
            twin.close()
    run_dir = os.path.dirname(os.environ.get("PCSCLITE_CSOCK_NAME", ""))
    if run_dir.startswith(tempfile.gettempdir()):
        shutil.rmtree(run_dir, ignore_errors=True)
    return result
