"""``ga467``: resident ID card readers speaking the GA 467 SAM serial protocol.

All traffic runs on one DeviceWorker thread. Reading a card is find (20 01) → select (20 02) →
read (30 01, or 30 10 with fingerprint). After a read the SAM answers "no card" to find while the
same card stays in the field, so presence is then checked with select; that is what makes
polling emit ``card_placed`` once per card and ``card_removed`` when select fails.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from devices.errors import DeviceError, DeviceOffline, DeviceTimeout, NoCard
from devices.id_card import messages
from devices.id_card.errors import (
    FrameError,
    IdCardRemoved,
    NotAReader,
    PhotoDecoderError,
    RecordParseError,
    SamCardError,
    SamFault,
    SamNoCard,
    SamRejected,
    SamSelectFailed,
)
from devices.id_card.frames import HEADER_LEN, Command, Response
from devices.id_card.link import SerialLink, wire_time_s
from devices.id_card.photo import WltDecoder
from devices.id_card.protocol import EVENT_CARD_PLACED, EVENT_CARD_REMOVED, EVENT_STATUS_CHANGED
from devices.id_card.record import IdCardRecord
from devices.id_card.text import PHOTO_LEN, TEXT_LEN, parse_record
from devices.status import DeviceStatus, Health
from devices.worker import Backoff, DeviceEvent, DeviceWorker, Listener

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE = (FrameError, DeviceTimeout, SamRejected)
READ_ANSWER_LEN = HEADER_LEN + 3 + 4 + TEXT_LEN + PHOTO_LEN + 1  # 1295 bytes
FINGERPRINT_ANSWER_LEN = READ_ANSWER_LEN + 2 + 1024  # 2321 bytes
_OFFLINE_KEYS = {"device.port_missing": "port_missing", "device.port_denied": "port_denied",
                 "device.port_busy": "port_busy"}


class Ga467Reader:
    """A GA 467 reader on any pyserial URL (``/dev/ttyUSB0``, ``spy://…``, ``socket://…``, ``loop://``)."""

    kind = "id_card"
    driver_name = "ga467"

    def __init__(self, *, port: str, baudrate: int = 115200, timeout_s: float = 1.0,
                 poll_interval_s: float = 0.3, photo_decoder: str = "", read_fingerprint: bool = False,
                 attempts: int = 3) -> None:
        self._link = SerialLink(port, baudrate=baudrate, timeout_s=timeout_s)
        self.timeout_s, self.poll_interval_s = timeout_s, poll_interval_s
        self.photo_decoder_path, self.read_fingerprint, self.attempts = photo_decoder, read_fingerprint, attempts
        self._decoder: WltDecoder | None = None
        self.photo_decoder_error: PhotoDecoderError | None = None
        self._worker = DeviceWorker(self.kind, poll=self._poll, poll_interval_s=poll_interval_s)
        self._backoff = Backoff(initial_s=0.2, cap_s=5.0)
        self._next_poll = 0.0
        self._polling = False
        self._current: IdCardRecord | None = None
        self._status = self._make_status("not_started")
        self._load_decoder()

    # -- public API (any thread) ---------------------------------------------------------------
    def open(self) -> None:
        self._polling = True
        self._worker.start()

    def close(self) -> None:
        self._polling = False
        if self._worker.running:
            try:
                self._worker.submit(self._close).result(timeout=self.timeout_s + 2)
            except (FutureTimeout, DeviceError):
                log.warning("id_card: closing the port did not finish in time")
        self._worker.stop()
        self._link.close()

    def status(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def read_once(self, timeout_s: float = 5.0) -> IdCardRecord:
        return self._call(lambda: self._read_waiting(timeout_s), timeout_s)

    def sam_id(self) -> str:
        """The SAM module's id as vendors print it (``05.01-20101111-0012345678-1234567890``)."""
        return self._call(self._sam_id, 0)

    def reset_sam(self) -> None:
        """Command 10 FF: reset the SAM module."""
        self._call(lambda: self._command(Command.RESET, "reset"), 0)

    # -- worker-thread internals ---------------------------------------------------------------
    def _call(self, fn: Callable[[], T], extra_s: float) -> T:
        fut = self._worker.submit(fn)
        budget = extra_s + (self.attempts + 3) * (self.timeout_s + wire_time_s(
            FINGERPRINT_ANSWER_LEN, self._link.baudrate)) + 1
        try:
            return fut.result(timeout=budget)
        except FutureTimeout as exc:
            raise DeviceTimeout(f"id_card: no result within {budget:.1f} s") from exc

    def _load_decoder(self) -> None:
        if not self.photo_decoder_path:
            return
        try:
            self._decoder = WltDecoder(self.photo_decoder_path)
        except PhotoDecoderError as exc:
            self.photo_decoder_error = exc
            log.error("id_card: %s", exc)

    def _make_status(self, key: str, health: Health | None = None, code: str | None = None) -> DeviceStatus:
        text = messages.STATUS[key]
        if health is None:
            health = text.health
            if health is Health.OK and self.photo_decoder_error is not None:
                text, health = messages.STATUS["photo_decoder"], Health.DEGRADED
        return DeviceStatus(self.kind, self.driver_name, health, code or text.code, text.zh, text.en)

    def _set_status(self, key: str, code: str | None = None) -> None:
        new = self._make_status(key, code=code)
        old = self._status
        self._status = new
        if (old.health, old.code) != (new.health, new.code):
            log.info("id_card status: %s (%s)", new.health.value, new.code)
            self._worker.emit(DeviceEvent(self.kind, EVENT_STATUS_CHANGED, new))

    def _close(self) -> None:
        self._link.close()
        self._set_status("not_started")

    def _ensure_open(self) -> None:
        # The status turns ok only once the reader has answered: an open port proves nothing.
        if not self._link.is_open:
            try:
                self._link.open()
            except DeviceOffline as exc:
                self._set_status(_OFFLINE_KEYS.get(exc.code, "offline"))
                raise

    def _exchange(self, command: tuple[int, int], name: str, *, answer_len: int = 32) -> Response:
        """One command with retries for line faults; returns the response whose SW3 is success."""
        self._ensure_open()
        timeout = self.timeout_s + wire_time_s(answer_len, self._link.baudrate)
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._link.transact(*command, timeout_s=timeout)
                response.result(command=name)
            except DeviceOffline:
                self._set_status("offline")
                raise
            except SamFault as exc:
                self._set_status("sam_fault", code=exc.code)
                raise
            except (SamNoCard, SamSelectFailed, SamCardError):
                self._set_status("ok")  # the reader works; the card is the problem
                raise
            except _RETRYABLE as exc:
                log.warning("id_card: %s attempt %d failed: %s", name, attempt, exc.code)
                if attempt == self.attempts:
                    if isinstance(exc, DeviceTimeout):
                        self._set_status("no_answer")
                    elif isinstance(exc, NotAReader):
                        self._set_status("not_a_reader")
                    raise
                continue
            self._set_status("ok")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _command(self, command: tuple[int, int], name: str) -> Response:
        return self._exchange(command, name)

    def _sam_id(self) -> str:
        data = self._exchange(Command.SAM_ID, "sam_id").data
        if len(data) < 16:
            raise RecordParseError(f"SAM id of {len(data)} bytes; expected 16")
        def le(b: bytes) -> int:
            return int.from_bytes(b, "little")

        return (f"{le(data[0:2]):02d}.{le(data[2:4]):02d}-{le(data[4:8]):08d}-"
                f"{le(data[8:12]):010d}-{le(data[12:16]):010d}")

    def _find(self) -> bool:
        try:
            self._exchange(Command.FIND, "find")
        except SamNoCard:
            return False
        return True

    def _select(self) -> bool:
        try:
            self._exchange(Command.SELECT, "select")
        except (SamSelectFailed, SamNoCard):
            return False
        return True

    def _read_selected(self) -> IdCardRecord:
        if self.read_fingerprint:
            response = self._exchange(Command.READ_FINGERPRINT, "read_fingerprint",
                                      answer_len=FINGERPRINT_ANSWER_LEN)
        else:
            response = self._exchange(Command.READ, "read", answer_len=READ_ANSWER_LEN)
        record = split_read_answer(response.data, with_fingerprint=self.read_fingerprint)
        return self._decode_photo(record)

    def _decode_photo(self, record: IdCardRecord) -> IdCardRecord:
        if self._decoder is None:
            return record
        try:
            decoded = dataclasses.replace(record, photo_bmp=self._decoder.decode(record.photo_wlt))
        except PhotoDecoderError as exc:
            self.photo_decoder_error = exc
            log.error("id_card: %s", exc)
            self._set_status("photo_decoder")
            return record
        if self.photo_decoder_error is not None:  # one bad photo does not condemn the library
            self.photo_decoder_error = None
            self._set_status("ok")
        return decoded

    def _read_present(self, *, found: bool) -> IdCardRecord:
        """Select and read a card that find reported (``found``) or an already-read one still there."""
        for attempt in (1, 2):
            if not self._select():
                raise (IdCardRemoved("the card left the field before it was read") if found
                       else SamNoCard("no card in the field"))
            try:
                return self._read_selected()
            except (FrameError, DeviceTimeout, SamCardError, SamSelectFailed, SamNoCard) as exc:
                if not self._select():
                    raise IdCardRemoved("the card left the field while it was being read") from exc
                if attempt == 2:
                    raise
                log.warning("id_card: read failed (%s); reading again", exc.code)
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_waiting(self, timeout_s: float) -> IdCardRecord:
        deadline = time.monotonic() + timeout_s
        while True:
            found = self._find()
            try:
                record = self._read_present(found=found)
            except SamNoCard:
                if time.monotonic() + self.poll_interval_s > deadline:
                    raise NoCard(f"no card placed within {timeout_s:.1f} s") from None
                time.sleep(self.poll_interval_s)
                continue
            if self._polling and (found or self._current is None):
                self._announce(record)
            return record

    def _announce(self, record: IdCardRecord) -> None:
        if self._current is not None:
            self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_REMOVED))
        self._current = record
        self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_PLACED, record))

    def _drop_current(self) -> None:
        if self._current is not None:
            self._current = None
            self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_REMOVED))

    def _poll(self) -> None:
        if not self._polling:
            return
        if time.monotonic() < self._next_poll:
            return
        try:
            if self._find():
                self._announce(self._read_present(found=True))
            elif self._current is not None and not self._select():
                self._drop_current()
            self._backoff.reset()
        except (DeviceOffline, DeviceTimeout, NotAReader) as exc:
            # The port vanished, nothing answers or something else does: back off, do not hammer the line.
            self._drop_current()
            delay = self._backoff.next_delay()
            self._next_poll = time.monotonic() + delay
            log.warning("id_card unreachable (%s); next attempt in %.1f s", exc.code, delay)
        except DeviceError as exc:
            # A card pulled mid-read or a corrupt answer: report the code, never the card's data.
            if isinstance(exc, IdCardRemoved):
                self._drop_current()
            log.warning("id_card: polling read failed: %s", exc.code)


def split_read_answer(data: bytes, *, with_fingerprint: bool) -> IdCardRecord:
    """Cut a read answer's data (lengths, text, photo[, fingerprint]) and parse it.

    Raises RecordParseError when the lengths do not add up.
    """
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        raise RecordParseError(f"read answer of {len(data)} bytes has no length header")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if text_len != TEXT_LEN or photo_len != PHOTO_LEN or len(data) != head + text_len + photo_len + fp_len:
        raise RecordParseError(
            f"read answer lengths text={text_len} photo={photo_len} fingerprint={fp_len} "
            f"do not match its {len(data)} bytes")
    text = data[head : head + text_len]
    photo = data[head + text_len : head + text_len + photo_len]
    fingerprint = data[head + text_len + photo_len :] if fp_len else None
    return parse_record(text, photo, fingerprint)
