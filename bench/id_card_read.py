"""ID card read: find-card → parsed record through the ga467 driver, twin on a pty paced at the baud rate."""

from __future__ import annotations

import argparse
import time

from bench._stats import median, percentile
from devices.id_card.frames import HEADER_LEN
from devices.id_card.ga467_driver import FINGERPRINT_ANSWER_LEN, READ_ANSWER_LEN
from devices.id_card.link import wire_time_s
from devices.twins.id_card.emulated import EmulatedGa467Reader

CARDS = ("resident", "resident_long_term", "hk_resident", "foreigner")


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench id_card_read")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baudrate", type=int, default=115200, choices=[9600, 19200, 38400, 57600, 115200])
    parser.add_argument("--fingerprint", action="store_true", help="read with fingerprint (30 10)")
    args = parser.parse_args(argv)

    reader = EmulatedGa467Reader(baudrate=args.baudrate, paced=True, card=None, timeout_s=1.0,
                                 read_fingerprint=args.fingerprint)
    timings: list[float] = []
    try:
        reader.emulator.place_card(CARDS[0])
        reader.read_once(5)  # warm-up: opens the port and starts the device thread
        for i in range(args.runs):
            reader.emulator.place_card(CARDS[i % len(CARDS)])
            start = time.perf_counter()
            record = reader.read_once(5)
            timings.append(time.perf_counter() - start)
            assert record.card_type  # parsed, not just received
    finally:
        reader.close()
    answer = FINGERPRINT_ANSWER_LEN if args.fingerprint else READ_ANSWER_LEN
    # The whole exchange on a real line: three 10-byte requests plus the find (4 data bytes), select
    # (8) and read answers. Only the emulator's answers are paced here (the driver's requests cross
    # the pty at once), so p50_s can sit a few milliseconds below wire_s.
    wire_bytes = 3 * (HEADER_LEN + 3) + (HEADER_LEN + 3 + 3 + 4) + (HEADER_LEN + 3 + 3 + 8) + answer
    return {
        "runs": len(timings),
        "baudrate": args.baudrate,
        "p50_s": round(median(timings), 4),
        "p95_s": round(percentile(timings, 95), 4),
        "max_s": round(max(timings), 4),
        "wire_s": round(wire_time_s(wire_bytes, args.baudrate), 4),
        "target_p50_s": 0.3,
    }
