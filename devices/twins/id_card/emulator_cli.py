"""Run the GA 467 twin as its own process: ``python -m devices.twins.id_card.emulator_cli --port PATH``.

For a technician or a two-process test: give one end of
``socat -d -d pty,raw,echo=0 pty,raw,echo=0`` to this emulator and the other to ``devices.id_card.port``.
It answers until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from devices.twins.id_card.emulator import Faults, Ga467Emulator
from devices.twins.id_card.identities import IDENTITIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.twins.id_card.emulator_cli")
    parser.add_argument("--port", required=True, help="pty path or pyserial URL the emulator answers on")
    parser.add_argument("--baudrate", type=int, default=115200)
    parser.add_argument("--paced", action="store_true", help="pace answers at the baud rate (10 bits a byte)")
    parser.add_argument("--card", choices=sorted(IDENTITIES), default="resident")
    parser.add_argument("--no-card", action="store_true", help="start with the field empty")
    parser.add_argument("--checksum-errors", type=int, default=0)
    parser.add_argument("--garbage-bytes", type=int, default=0)
    parser.add_argument("--partial-frames", action="store_true")
    args = parser.parse_args(argv)

    faults = Faults(checksum_errors=args.checksum_errors, garbage_bytes=args.garbage_bytes,
                    partial_frames=args.partial_frames)
    emulator = Ga467Emulator(args.port, baudrate=args.baudrate, paced=args.paced,
                             card=None if args.no_card else args.card, faults=faults)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    emulator.start()
    print(f"ga467 emulator answering on {args.port}", file=sys.stderr, flush=True)
    while not done.wait(0.2):
        if emulator.error is not None:
            print(f"ga467 emulator: line lost ({emulator.error})", file=sys.stderr)
            return 1
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
