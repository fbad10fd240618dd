#!/usr/bin/env python3
"""Systemd watchdog for the kiosk session: sends ``WATCHDOG=1`` only while the kiosk is healthy.

Runs beside the kiosk inside hall-kiosk.service (``NotifyAccess=all``), so the kiosk itself needs
no systemd code. Healthy means: the X server answers, the kiosk process exists and is neither
stopped nor a zombie, its window is mapped (after a start-up grace), and — when the kiosk is told
to keep one (``HALL_KIOSK_HEARTBEAT``) — its heartbeat file is fresh. When a check fails the pings
stop; after ``WatchdogSec`` systemd kills the session and ``Restart=always`` starts it again.
Standard library only: it must work even when the suite's virtualenv is broken.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

CHECK_TIMEOUT_S = 5.0


def notify(message: str) -> bool:
    """Send one sd_notify datagram; False when not under systemd (no NOTIFY_SOCKET) or on failure."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
        return True
    except OSError:
        return False


def process_state(pid: int) -> str | None:
    """The one-letter state from /proc (R, S, D, T, Z…), None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _xdotool(*args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=CHECK_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def x_answers() -> bool:
    result = _xdotool("getdisplaygeometry")
    return result is not None and result.returncode == 0


def window_mapped(pid: int) -> bool:
    """A viewable window owned by ``pid`` (Qt sets _NET_WM_PID on its windows)."""
    result = _xdotool("search", "--onlyvisible", "--pid", str(pid))
    return result is not None and result.returncode == 0 and bool(result.stdout.strip())


def heartbeat_age(path: str) -> float | None:
    try:
        return time.time() - os.stat(path).st_mtime
    except OSError:
        return None


def problem(pid: int, *, started: float, startup_s: float, heartbeat: str, heartbeat_max_s: float) -> str | None:
    """Why the kiosk is unhealthy right now, or None when it is fine."""
    state = process_state(pid)
    if state is None or state == "Z":
        return "kiosk process has exited"
    if state in ("T", "t"):
        return "kiosk process is stopped"
    if not x_answers():
        return "X server does not answer"
    in_startup = time.monotonic() - started < startup_s
    if not in_startup and not window_mapped(pid):
        return "kiosk window is not on screen"
    if heartbeat and not in_startup:
        age = heartbeat_age(heartbeat)
        if age is None or age > heartbeat_max_s:
            return f"kiosk heartbeat {heartbeat} is stale"
    return None


def interval_s(default: float) -> float:
    """A third of WatchdogSec (systemd passes it as WATCHDOG_USEC), else ``default``."""
    try:
        return max(0.2, int(os.environ["WATCHDOG_USEC"]) / 3e6)
    except (KeyError, ValueError):
        return default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True, help="the kiosk process")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks without systemd")
    parser.add_argument("--startup", type=float,
                        default=float(os.environ.get("HALL_WATCHDOG_STARTUP_S", "60")),
                        help="seconds the kiosk may take to show its window")
    parser.add_argument("--heartbeat", default=os.environ.get("HALL_KIOSK_HEARTBEAT", ""))
    parser.add_argument("--heartbeat-max", type=float,
                        default=float(os.environ.get("HALL_KIOSK_HEARTBEAT_MAX_S", "60")))
    args = parser.parse_args(argv)
    every = interval_s(args.interval)
    started, last = time.monotonic(), ""
    while True:
        why = problem(args.pid, started=started, startup_s=args.startup, heartbeat=args.heartbeat,
                      heartbeat_max_s=args.heartbeat_max)
        if why is None:
            notify("WATCHDOG=1\nSTATUS=kiosk healthy")
        elif why != last:
            print(f"kiosk watchdog: {why}; not pinging systemd", file=sys.stderr, flush=True)
            notify(f"STATUS=unhealthy: {why}")
        last = why or ""
        if process_state(args.pid) in (None, "Z"):
            return 0  # the session script sees the exit too and ends the session
        time.sleep(every)


if __name__ == "__main__":
    sys.exit(main())
