"""A virtual card as a TCP client of vsmartcard's vpcd reader driver (inside the real pcscd).

Wire format (vsmartcard ``vpcd``): every message is a 2-byte big-endian length plus payload. A
1-byte payload is a control code (00 power off, 01 power on, 02 reset, 04 "send your ATR"); a longer
one is a C-APDU answered with response data + SW1 SW2. Connecting is inserting the card, closing
the socket is pulling it out — so a card "pulled mid-read" is simply a socket closed before answering.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from typing import Protocol

from devices.errors import DeviceOffline

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963

_TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", 12)
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


class CardPulled(Exception):  # an instruction to the client, not an error to report
    """Raised by a card model to make the client drop the connection without answering."""


class VirtualCard(Protocol):
    """What the vpcd client needs from a card model."""

    def atr(self) -> bytes: ...

    def power(self, on: bool) -> None: ...

    def reset(self) -> None: ...

    def apdu(self, command: bytes) -> bytes: ...


class VpcdClient:
    """Insert ``card`` into the vpcd slot at ``host:port``; ``remove()`` pulls it out.

    Runs one daemon thread per inserted card. Raises DeviceOffline from ``insert`` when nothing
    listens on the port (pcscd not running or vpcd not installed).
    """

    def __init__(self, card: VirtualCard, *, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        self.card, self.host, self.port = card, host, port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.apdus_seen = 0

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def insert(self, *, timeout_s: float = 3.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError as exc:
                # pcscd may still be loading the vpcd driver right after its start
                if time.monotonic() >= deadline:
                    raise DeviceOffline(
                        f"no vpcd reader listening on {self.host}:{self.port} — is pcscd running with "
                        f"vsmartcard-vpcd installed? ({exc})"
                    ) from exc
                time.sleep(0.05)
        sock.settimeout(None)  # vpcd talks only when pcscd does; idle gaps are unbounded
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already gone: the peer closed first
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)
        self._thread = None

    # -- wire ----------------------------------------------------------------------------------
    @staticmethod
    def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            try:
                # vpcd writes length and payload separately with Nagle on: our delayed ACK would
                # stall every APDU by 40 ms, so ACK at once (Linux resets this flag after use)
                sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
                chunk = sock.recv(n - len(buf))
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                head = self._recv_exact(sock, 2)
                if head is None:
                    return
                (length,) = struct.unpack(">H", head)
                payload = self._recv_exact(sock, length)
                if payload is None:
                    return
                if len(payload) == 1:
                    self._control(sock, payload[0])
                    continue
                self.apdus_seen += 1
                try:
                    answer = self.card.apdu(payload)
                except CardPulled:
                    log.debug("virtual card pulled mid-read")
                    self.remove()
                    return
                self._send(sock, answer)
        except OSError:
            return  # socket closed by remove() or by pcscd stopping
        except Exception:  # a model bug must show in the log, not kill the thread silently
            log.exception("virtual card failed")
            self.remove()

    def _control(self, sock: socket.socket, code: int) -> None:
        if code == CTRL_ATR:
            self._send(sock, self.card.atr())
        elif code == CTRL_ON:
            self.card.power(True)
        elif code == CTRL_OFF:
            self.card.power(False)
        elif code == CTRL_RESET:
            self.card.reset()
