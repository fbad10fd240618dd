"""Driver ``pcsc``: social-security cards through pyscard and the real pcscd.

All PC/SC traffic runs on the device worker thread: a poll step watches the readers (insert/remove,
pcscd gone and back with backoff) and reads each newly placed card once; ``read_card`` runs as a job
on the same thread. Status: ok; degraded when a configured PSAM slot is missing; offline when pcscd
or the reader is gone.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable

from devices.errors import CardRemoved, DeviceError, DeviceOffline, DeviceTimeout, NoCard
from devices.ss_card import ssse
from devices.ss_card.pcsc_io import PcscCard, PcscContext, is_present
from devices.ss_card.protocol import (
    EVENT_CARD_PLACED,
    EVENT_CARD_REMOVED,
    EVENT_STATUS_CHANGED,
    SsCardRecord,
)
from devices.ss_card.psam import ApduPsam, Psam, PsamKeys
from devices.status import DeviceStatus, Health
from devices.worker import Backoff, DeviceEvent, DeviceWorker

log = logging.getLogger(__name__)

EVENT_CARD_READ_FAILED = "card_read_failed"

_MESSAGES: dict[str, tuple[str, str]] = {
    "ok": ("正常", "OK"),
    "ss_card.pcscd_unavailable": ("读卡服务（pcscd）未运行", "The PC/SC service (pcscd) is not running"),
    "ss_card.no_reader": ("未找到社保卡读卡器", "No matching social-security card reader"),
    "ss_card.no_psam": ("未找到PSAM卡，3.0社保卡只能读取卡号", "PSAM not found: 3.0 cards give only the card number"),
    "ss_card.stopped": ("已停止", "Stopped"),
}


class PcscSocialSecurityReader:
    """SocialSecurityCardReader over PC/SC. Options as ``[devices.ss_card]``; ``psam`` injects a
    custom PSAM (an encryption machine, say) instead of the card in ``psam_reader``."""

    kind = "ss_card"
    driver_name = "pcsc"

    def __init__(
        self, *, reader: str = "", psam_reader: str = "", timeout_s: float = 2.0, poll_interval_s: float = 0.3,
        psam: Psam | None = None, psam_keys: PsamKeys | None = None, psam_aid: bytes | None = None,
        read_on_insert: bool = True,
    ) -> None:
        self.reader_filter, self.psam_filter = reader, psam_reader
        self.timeout_s = timeout_s
        self._psam, self._psam_keys, self._psam_aid = psam, psam_keys, psam_aid
        self._read_on_insert = read_on_insert
        self._worker = DeviceWorker("ss_card", poll=self._poll, poll_interval_s=poll_interval_s)
        self._ctx = PcscContext()
        self._backoff = Backoff(initial_s=0.2, cap_s=5.0)
        self._retry_at = 0.0
        self._present: dict[str, bool] = {}
        self._status = self._make_status(Health.OFFLINE, "ss_card.stopped")

    # -- public API --------------------------------------------------------------------------
    def open(self) -> None:
        self._worker.start()
        self._worker.submit(self._poll)

    def close(self) -> None:
        if self._worker.running:
            fut = self._worker.submit(self._shutdown)
            try:
                fut.result(self.timeout_s + 3)
            except (concurrent.futures.TimeoutError, DeviceError):
                log.warning("ss_card: shutdown did not finish in time")
        self._worker.stop()
        self._ctx.release()  # no-op when the worker did it; must not leak a context either way

    def status(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        return self._worker.subscribe(listener)

    def read_card(self, *, timeout_s: float | None = None) -> SsCardRecord:
        fut = self._worker.submit(self._read_now)
        try:
            return fut.result(timeout_s if timeout_s is not None else self.timeout_s)
        except concurrent.futures.TimeoutError as exc:
            fut.cancel()
            raise DeviceTimeout("social-security card read did not finish in time") from exc

    def readers(self) -> list[str]:
        """All readers pcscd knows (for the technician screen). Raises DeviceOffline."""
        try:
            return self._worker.submit(self._list_readers).result(self.timeout_s + 2)
        except concurrent.futures.TimeoutError as exc:
            raise DeviceTimeout("listing the PC/SC readers did not finish in time") from exc

    # -- status ------------------------------------------------------------------------------
    def _make_status(self, health: Health, code: str, detail: str = "") -> DeviceStatus:
        zh, en = _MESSAGES.get(code, (code, code))
        return DeviceStatus(self.kind, self.driver_name, health, code, zh, en + (f" ({detail})" if detail else ""))

    def _set_status(self, health: Health, code: str, detail: str = "") -> None:
        if (self._status.health, self._status.code) == (health, code):
            return
        self._status = self._make_status(health, code, detail)
        log.info("ss_card status %s (%s)", health.value, code)
        self._worker.emit(DeviceEvent(self.kind, EVENT_STATUS_CHANGED, self._status))

    # -- device thread -----------------------------------------------------------------------
    def _shutdown(self) -> None:
        self._ctx.release()
        self._present.clear()
        self._set_status(Health.OFFLINE, "ss_card.stopped")

    def _went_offline(self, exc: DeviceError) -> None:
        self._ctx.release()  # a context outlives no pcscd restart; make a new one later
        self._retry_at = time.monotonic() + self._backoff.next_delay()
        for reader, present in list(self._present.items()):
            if present:
                self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_REMOVED, None))
            self._present[reader] = False
        self._set_status(Health.OFFLINE, "ss_card.pcscd_unavailable", str(exc))

    def _ensure_context(self) -> bool:
        if self._ctx.established:
            return True
        if time.monotonic() < self._retry_at:
            return False
        try:
            self._ctx.establish()
            self._ctx.readers()  # a context can be "established" while pcscd is half gone
        except DeviceError as exc:
            self._went_offline(exc)
            return False
        self._backoff.reset()
        return True

    def _list_readers(self) -> list[str]:
        if not self._ensure_context():
            raise DeviceOffline("pcscd is not available", code="device.ss_card.pcsc_offline")
        return self._ctx.readers()

    def _matches(self, name: str, wanted: str) -> bool:
        return wanted.casefold() in name.casefold()

    def _card_readers(self, names: list[str]) -> list[str]:
        return [n for n in names if self._matches(n, self.reader_filter)
                and not (self.psam_filter and self._matches(n, self.psam_filter))]

    def _poll(self) -> None:
        if not self._ensure_context():
            return
        try:
            names = self._ctx.readers()
            candidates = self._card_readers(names)
            states = self._ctx.states(candidates)
            psam_missing = bool(self.psam_filter) and self._psam is None and not self._psam_present(names)
        except DeviceOffline as exc:
            self._went_offline(exc)
            return
        except DeviceError as exc:
            log.warning("ss_card poll failed: %s", exc.code)
            return
        if not candidates:
            self._set_status(Health.OFFLINE, "ss_card.no_reader", self.reader_filter or "any reader")
        elif psam_missing:
            self._set_status(Health.DEGRADED, "ss_card.no_psam", self.psam_filter)
        else:
            self._set_status(Health.OK, "ok")
        for reader in candidates:
            present = is_present(states.get(reader, (0, b""))[0])
            was = self._present.get(reader, False)
            self._present[reader] = present
            if present and not was and self._read_on_insert:
                self._read_and_emit(reader)
            elif was and not present:
                self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_REMOVED, None))
        for gone in set(self._present) - set(candidates):
            if self._present.pop(gone):
                self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_REMOVED, None))

    def _card_readers_psam(self, names: list[str]) -> list[str]:
        return [n for n in names if self._matches(n, self.psam_filter)]

    def _psam_present(self, names: list[str]) -> bool:
        psam_readers = self._card_readers_psam(names)
        states = self._ctx.states(psam_readers)
        return any(is_present(states.get(n, (0, b""))[0]) for n in psam_readers)

    def _read_and_emit(self, reader: str) -> None:
        try:
            record = self._read_from(reader)
        except DeviceError as exc:
            log.warning("ss_card: read after insertion failed: %s", exc.code)
            self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_READ_FAILED, exc))
            if isinstance(exc, DeviceOffline):
                self._went_offline(exc)
            return
        self._worker.emit(DeviceEvent(self.kind, EVENT_CARD_PLACED, record))

    def _read_now(self) -> SsCardRecord:
        if not self._ensure_context():
            raise DeviceOffline("pcscd is not available", code="device.ss_card.pcsc_offline")
        try:
            candidates = self._card_readers(self._ctx.readers())
            if not candidates:
                raise DeviceOffline(f"no reader matches {self.reader_filter!r}", code="device.ss_card.no_reader")
            states = self._ctx.states(candidates)
        except DeviceOffline as exc:
            if exc.code != "device.ss_card.no_reader":
                self._went_offline(exc)
            raise
        holding = [r for r in candidates if is_present(states.get(r, (0, b""))[0])]
        if not holding:
            raise NoCard("no card in " + ", ".join(candidates))
        try:
            return self._read_from(holding[0])
        except DeviceOffline as exc:
            self._went_offline(exc)
            raise

    def _read_from(self, reader: str) -> SsCardRecord:
        card = self._ctx.connect(reader)
        psam_card: PcscCard | None = None
        try:
            psam: Psam | None = self._psam
            if psam is None and self.psam_filter:
                psam_card = self._connect_psam()
                if psam_card is not None:
                    psam = ApduPsam(ssse.ApduChannel(psam_card.transmit).transmit, aid=self._psam_aid,
                                    keys=self._psam_keys)
            return ssse.read_card(self._guarded(card), atr=card.atr, psam=psam, psam_keys=self._psam_keys)
        finally:
            card.disconnect()
            if psam_card is not None:
                psam_card.disconnect()

    def _connect_psam(self) -> PcscCard | None:
        names = self._card_readers_psam(self._ctx.readers())
        states = self._ctx.states(names)
        for name in names:
            if is_present(states.get(name, (0, b""))[0]):
                return self._ctx.connect(name)
        self._set_status(Health.DEGRADED, "ss_card.no_psam", self.psam_filter)
        return None

    def _guarded(self, card: PcscCard) -> Callable[[bytes], bytes]:
        """Transmit that tells a card pulled mid-read (CardRemoved) from other failures."""

        def raw(apdu: bytes) -> bytes:
            try:
                response = card.transmit(apdu)
            except (CardRemoved, DeviceOffline):
                raise
            except NoCard as exc:
                # the card answered connect, so "no card" now means it left mid-read (a busy pcscd may
                # report the empty slot before the removal itself)
                raise CardRemoved("card removed during the read") from exc
            except DeviceError as exc:
                # vpcd and real readers report a vanished card as a failed transmit first
                if self._ctx.wait_removed(card.reader, timeout_ms=500):
                    raise CardRemoved("card removed during the read") from exc
                raise
            if len(response) < 2 and self._ctx.wait_removed(card.reader, timeout_ms=500):
                # vpcd answers an empty R-APDU when the card went away mid-command
                raise CardRemoved("card removed during the read")
            return response

        return raw
