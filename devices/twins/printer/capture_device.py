"""The capture printer's mechanism: keeps every byte, answers DLE EOT, runs out of paper on request.

A :class:`CaptureDevice` is the emulated hardware. It is reached in-process (the ``capture`` driver),
over TCP like a network printer on port 9100 (:class:`CaptureServer`), or over a serial line
(:class:`SerialCaptureServer`, a pty). Run one for a technician or the demo with
``python -m devices.twins.printer.capture_device --listen 127.0.0.1:9100 --capture-dir DIR``.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import socket
import socketserver
import threading
import tty
from dataclasses import dataclass
from pathlib import Path

from devices.printer import protocol as p
from devices.printer.interpreter import next_token
from devices.printer.protocol import Paper

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CapturedJob:
    """One job's exact bytes (from ESC @ to the cut); ``complete`` is False if paper ran out in it."""

    index: int
    data: bytes
    complete: bool


class CaptureDevice:
    """Thread-safe: several connections may feed it, as several hosts could print to one printer."""

    def __init__(self, *, capture_dir: str | Path | None = None) -> None:
        self.capture_dir = Path(capture_dir) if capture_dir else None
        if self.capture_dir is not None:
            self.capture_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending = bytearray()  # an unfinished command waiting for its remaining bytes
        self._job = bytearray()
        self._job_dropped = False
        self.jobs: list[CapturedJob] = []
        self.paper = Paper.OK
        self.cover_open = False
        self._lines_left: int | None = None
        self.lines_printed = 0
        self.dropped_bytes = 0
        self.status_queries = 0

    # -- faults a test or technician can cause --------------------------------------------------
    def simulate_paper_out(self, *, after_lines: int = 0) -> None:
        """The roll ends now, or after ``after_lines`` more printed lines."""
        with self._lock:
            if after_lines <= 0:
                self.paper, self._lines_left = Paper.OUT, None
            else:
                self._lines_left = after_lines

    def simulate_near_end(self) -> None:
        with self._lock:
            self.paper = Paper.NEAR_END

    def open_cover(self) -> None:
        with self._lock:
            self.cover_open = True

    def close_cover(self) -> None:
        with self._lock:
            self.cover_open = False

    def load_paper(self) -> None:
        """A fresh roll: paper OK, no pending paper-out."""
        with self._lock:
            self.paper, self._lines_left = Paper.OK, None

    # -- the wire -------------------------------------------------------------------------------
    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return the bytes the printer sends back (status answers)."""
        answers = bytearray()
        with self._lock:
            self._pending += data
            i = 0
            while i < len(self._pending):
                step = next_token(self._pending, i)
                if step is None:
                    break
                token, j = step
                if token.op == "DLE EOT":
                    # real-time: answered at once, even while offline, and not part of the job
                    self.status_queries += 1
                    answers.append(self._answer(token.params[0]))
                else:
                    self._accept(token.op, bytes(self._pending[i:j]))
                i = j
            del self._pending[:i]
        return bytes(answers)

    def _printing(self) -> bool:
        return self.paper is not Paper.OUT and not self.cover_open

    def _accept(self, op: str, raw: bytes) -> None:
        if op == "ESC @" and self._job:
            self._end_job()
        self._job += raw
        if not self._printing():
            self.dropped_bytes += len(raw)
            self._job_dropped = True
            return
        if op in ("LF", "ESC d"):
            self.lines_printed += 1
            if self._lines_left is not None:
                self._lines_left -= 1
                if self._lines_left <= 0:
                    self.paper, self._lines_left = Paper.OUT, None
        if op == "GS V":
            self._end_job()

    def _end_job(self) -> None:
        job = CapturedJob(len(self.jobs) + 1, bytes(self._job), not self._job_dropped)
        self.jobs.append(job)
        self._job.clear()
        self._job_dropped = False
        if self.capture_dir is not None:
            name = f"job-{job.index:04d}{'' if job.complete else '.incomplete'}.bin"
            (self.capture_dir / name).write_bytes(job.data)

    def _answer(self, n: int) -> int:
        out = self.paper is Paper.OUT
        if n == 1:
            return p.FIXED_BITS | (p.OFFLINE_BIT if out or self.cover_open else 0)
        if n == 2:
            return p.FIXED_BITS | (p.COVER_OPEN_BIT if self.cover_open else 0) | (p.PAPER_STOP_BIT if out else 0)
        if n == 4:
            near = self.paper in (Paper.NEAR_END, Paper.OUT)
            return p.FIXED_BITS | (p.NEAR_END_BITS if near else 0) | (p.PAPER_OUT_BITS if out else 0)
        return p.FIXED_BITS

    def state(self) -> p.PrinterState:
        with self._lock:
            return p.PrinterState(online=self._printing(), paper=self.paper, cover_open=self.cover_open)

    def last_job(self) -> CapturedJob | None:
        with self._lock:
            return self.jobs[-1] if self.jobs else None

    def unfinished_job(self) -> bytes:
        """Bytes of a job that has not been cut yet (e.g. stopped by paper out)."""
        with self._lock:
            return bytes(self._job)


class _Handler(socketserver.BaseRequestHandler):
    server: CaptureServer

    def handle(self) -> None:
        self.request.settimeout(1.0)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # answers are single bytes
        while not self.server.stopping.is_set():
            try:
                data = self.request.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            answer = self.server.device.feed(data)
            if answer:
                self.request.sendall(answer)


class CaptureServer(socketserver.ThreadingTCPServer):
    """The twin as a network printer (raw TCP, like port 9100). ``port=0`` picks a free port."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, device: CaptureDevice, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.device = device
        self.stopping = threading.Event()
        super().__init__((host, port), _Handler)
        # a short poll interval so stop() (shutdown) returns quickly
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="capture-printer-tcp", daemon=True)

    @property
    def connection(self) -> str:
        host, port = self.server_address[:2]
        return f"tcp:{host!s}:{port}"

    def start(self) -> CaptureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join(5)


class SerialCaptureServer:
    """The twin on a serial line. Without ``peer`` it makes a pty whose other end a driver opens as
    ``serial:PATH``; with ``peer`` it answers on that tty (e.g. one end of a socat pty pair)."""

    def __init__(self, device: CaptureDevice, *, peer: str | None = None) -> None:
        self.device = device
        if peer is None:
            self._master, self._slave = os.openpty()
            tty.setraw(self._slave)
            self.path = os.ttyname(self._slave)
        else:
            self._master = os.open(peer, os.O_RDWR | os.O_NOCTTY)
            self._slave = -1
            self.path = ""
        tty.setraw(self._master)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="capture-printer-pty", daemon=True)

    @property
    def connection(self) -> str:
        return f"serial:{self.path}"

    def start(self) -> SerialCaptureServer:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            answer = self.device.feed(data)
            if answer:
                os.write(self._master, answer)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for fd in (self._master, self._slave):
            if fd < 0:
                continue
            try:
                os.close(fd)
            except OSError:
                log.debug("pty fd %s already closed", fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Capture printer twin on TCP (a network ESC/POS printer).")
    parser.add_argument("--listen", default="127.0.0.1:9100", metavar="HOST:PORT")
    parser.add_argument("--capture-dir", default="", metavar="DIR", help="write each job's bytes here")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    server = CaptureServer(CaptureDevice(capture_dir=args.capture_dir or None), host=host, port=int(port))
    print(server.connection, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
