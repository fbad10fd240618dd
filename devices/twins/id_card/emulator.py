"""``Ga467Emulator``: a GA 467 reader twin answering real frames on a pty or any pyserial URL.

It keeps the SAM's state rules: find succeeds once per placed card, select works while the card
is in the field, read needs a selected card, and after a read find answers "no card" until the
card is taken away and placed again. Faults can be switched on at any time through ``faults``.
"""

from __future__ import annotations

import logging
import os
import random
import select
import threading
import time
from dataclasses import dataclass

import serial

from devices.id_card.errors import FrameChecksumError, FrameError
from devices.id_card.frames import Command, Frame, FrameDecoder, Request, encode_response
from devices.id_card.sw import Sw3
from devices.id_card.text import PHOTO_LEN, TEXT_LEN
from devices.twins.id_card.identities import IDENTITIES, Identity

log = logging.getLogger(__name__)

# Prints as 05.01-20101111-0012345678-1234567890 (little-endian 2+2+4+4+4 bytes, as vendors format it).
SAM_ID = bytes.fromhex("05000100F7B732014E61BC00D2029649")
CARD_SERIAL = bytes(8)


@dataclass
class Faults:
    """Line and card faults; change them while the emulator runs."""

    checksum_errors: int = 0  # corrupt the checksum of the next N answers
    garbage_bytes: int = 0  # noise (with a false, broken preamble) before every answer
    partial_frames: bool = False  # deliver answers in small pieces with pauses in between
    pull_mid_read: bool = False  # next read: half the answer goes out, then the card is gone
    silent: bool = False  # the reader does not answer at all
    sam_fault: bool = False  # every answer is SW3 0x60 (SAM self-test failed)
    delay_s: float = 0.0  # processing time before each answer


class _FdPort:
    """The master side of an in-process pty."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, timeout_s: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout_s)
        return os.read(self.fd, 4096) if ready else b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [self.fd], [], 1.0)
            if not ready:
                raise TimeoutError("pty peer does not drain")
            view = view[os.write(self.fd, view) :]

    def close(self) -> None:
        """The fd belongs to whoever made the pty."""


class _UrlPort:
    def __init__(self, url: str, baudrate: int) -> None:
        self.port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.05, write_timeout=2.0)

    def read(self, timeout_s: float) -> bytes:
        return bytes(self.port.read(max(1, self.port.in_waiting)))

    def write(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def close(self) -> None:
        self.port.close()


class Ga467Emulator:
    """Answer GA 467 requests on ``port`` (pyserial URL or path) or on a pty master ``fd``."""

    def __init__(self, port: str = "", *, fd: int | None = None, baudrate: int = 115200, paced: bool = False,
                 card: str | Identity | None = "resident", faults: Faults | None = None, seed: int = 467) -> None:
        if not port and fd is None:
            raise ValueError("Ga467Emulator needs a port URL or a pty fd")
        self.url, self.fd, self.baudrate, self.paced = port, fd, baudrate, paced
        self.faults = faults or Faults()
        self.requests: list[tuple[int, int]] = []
        self.error: BaseException | None = None
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._card: Identity | None = None
        self._fresh = self._found = self._selected = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        if card is not None:
            self.place_card(card)

    # -- test and demo controls ----------------------------------------------------------------
    def place_card(self, card: str | Identity = "resident") -> None:
        identity = IDENTITIES[card] if isinstance(card, str) else card
        with self._lock:
            self._card, self._fresh, self._found, self._selected = identity, True, False, False

    def remove_card(self) -> None:
        with self._lock:
            self._card, self._fresh, self._found, self._selected = None, False, False, False

    @property
    def card(self) -> Identity | None:
        return self._card

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        port = _FdPort(self.fd) if self.fd is not None else _UrlPort(self.url, self.baudrate)
        self._thread = threading.Thread(target=self._run, args=(port,), name="ga467-emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._thread = None

    def __enter__(self) -> Ga467Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the loop ------------------------------------------------------------------------------
    def _run(self, port: _FdPort | _UrlPort) -> None:
        decoder = FrameDecoder()
        try:
            while not self._stop.is_set():
                for item in decoder.feed(port.read(0.05)):
                    answer = self._answer_error(item) if isinstance(item, FrameError) else self._answer(item)
                    if answer is not None:
                        self._send(port, answer)
        except (OSError, serial.SerialException, TimeoutError) as exc:
            # The line went away (pty closed, socat killed): the emulator ends, and says why.
            if not self._stop.is_set():
                self.error = exc
                log.info("ga467 emulator on %s stopped: %s", self.url or f"fd {self.fd}", exc)
        finally:
            port.close()

    def _answer_error(self, err: FrameError) -> bytes:
        return encode_response(Sw3.CHECKSUM if isinstance(err, FrameChecksumError) else Sw3.LENGTH)

    def _answer(self, frame: Frame) -> bytes | None:
        try:
            req = frame.as_request()
        except FrameError:
            return encode_response(Sw3.LENGTH)
        self.requests.append(req.command)
        if self.faults.silent:
            return None
        if self.faults.sam_fault:
            return encode_response(Sw3.SAM_SELF_TEST)
        with self._lock:
            return self._dispatch(req)

    def _dispatch(self, req: Request) -> bytes:
        cmd = req.command
        if cmd == Command.RESET:
            self._found = self._selected = False
            return encode_response(Sw3.OK)
        if cmd == Command.STATUS or cmd in Command.SET_BAUD.values():
            return encode_response(Sw3.OK)
        if cmd == Command.SAM_ID:
            return encode_response(Sw3.OK, SAM_ID)
        if cmd == Command.FIND:
            if self._card is not None and self._fresh:
                self._found = True
                return encode_response(Sw3.FIND_OK, bytes(4))
            return encode_response(Sw3.NO_CARD)
        if cmd == Command.SELECT:
            if self._card is not None and (self._found or not self._fresh):
                self._selected = True
                return encode_response(Sw3.OK, CARD_SERIAL)
            return encode_response(Sw3.SELECT_FAILED)
        if cmd in (Command.READ, Command.READ_FINGERPRINT):
            if self._card is None or not self._selected:
                return encode_response(Sw3.READ_FAILED)
            answer = encode_response(Sw3.OK, self._read_data(self._card, cmd == Command.READ_FINGERPRINT))
            self._fresh = self._found = False
            return answer
        if cmd == Command.READ_ADDRESS:
            return encode_response(Sw3.NO_CONTENT)
        return encode_response(Sw3.BAD_COMMAND)

    @staticmethod
    def _read_data(card: Identity, with_fingerprint: bool) -> bytes:
        text, photo = card.text_block(), card.photo()
        if not with_fingerprint:
            return TEXT_LEN.to_bytes(2, "big") + PHOTO_LEN.to_bytes(2, "big") + text + photo
        fp = card.fingerprint()
        return (TEXT_LEN.to_bytes(2, "big") + PHOTO_LEN.to_bytes(2, "big") + len(fp).to_bytes(2, "big")
                + text + photo + fp)

    # -- the wire ------------------------------------------------------------------------------
    def _send(self, port: _FdPort | _UrlPort, answer: bytes) -> None:
        f = self.faults
        if f.delay_s:
            time.sleep(f.delay_s)
        is_read = len(answer) > 1000
        if f.checksum_errors > 0:
            f.checksum_errors -= 1
            answer = answer[:-1] + bytes([answer[-1] ^ 0x5A])
        if f.garbage_bytes:
            noise = bytes(self._rng.choice(range(0x00, 0xA0)) for _ in range(f.garbage_bytes))
            answer = noise + bytes.fromhex("AAAAAA96") + answer
        if f.pull_mid_read and is_read:
            f.pull_mid_read = False
            self.remove_card()
            answer = answer[: len(answer) // 2]
        pieces = [answer]
        if f.partial_frames:
            pieces, rest = [], answer
            while rest:
                n = self._rng.randint(1, 64)
                pieces.append(rest[:n])
                rest = rest[n:]
        for i, piece in enumerate(pieces):
            if i and f.partial_frames:
                time.sleep(0.003)
            self._write_paced(port, piece)

    def _write_paced(self, port: _FdPort | _UrlPort, data: bytes) -> None:
        if not self.paced:
            port.write(data)
            return
        # A pty ignores the baud rate, so pace by hand: 10 bits a byte.
        start, per_byte = time.monotonic(), 10 / self.baudrate
        for offset in range(0, len(data), 64):
            port.write(data[offset : offset + 64])
            wait = start + (offset + min(64, len(data) - offset)) * per_byte - time.monotonic()
            if wait > 0:
                time.sleep(wait)
