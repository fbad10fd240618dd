"""pyscard's low-level PC/SC calls behind one class, with every failure translated in one place.

Contexts are released explicitly (never left to a finaliser) so pyscard never prints "Failed to
release context" when pcscd has gone first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from smartcard import scard

from devices.errors import (
    CardReadError,
    CardRemoved,
    DeviceError,
    DeviceOffline,
    DeviceTimeout,
    NoCard,
)

_OFFLINE = {
    scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_F_COMM_ERROR,
    scard.SCARD_E_INVALID_HANDLE, scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_READER_UNAVAILABLE,
}
_NO_CARD = {scard.SCARD_E_NO_SMARTCARD}
_REMOVED = {scard.SCARD_W_REMOVED_CARD}
_TIMEOUT = {scard.SCARD_E_TIMEOUT}


def translate(hresult: int, action: str) -> DeviceError:
    """A PC/SC return code → the DeviceError a caller can act on (stable codes)."""
    text = f"{action}: {scard.SCardGetErrorMessage(hresult)} (0x{hresult & 0xFFFFFFFF:08X})"
    if hresult in _OFFLINE:
        return DeviceOffline(text, code="device.ss_card.pcsc_offline")
    if hresult in _NO_CARD:
        return NoCard(text)
    if hresult in _REMOVED:
        return CardRemoved(text)
    if hresult in _TIMEOUT:
        return DeviceTimeout(text)
    return CardReadError(text, code="device.ss_card.pcsc")


def _call(action: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call one pyscard function; raise the translated error for a failing return code."""
    try:
        result = fn(*args)
    except (scard.error, TypeError, ValueError, SystemError, OSError) as exc:
        raise CardReadError(f"{action}: {exc}", code="device.ss_card.pcsc") from exc
    hresult, *rest = result if isinstance(result, (list, tuple)) else (result,)
    if hresult != scard.SCARD_S_SUCCESS:
        raise translate(hresult, action)
    return rest[0] if len(rest) == 1 else tuple(rest)


class PcscCard:
    """A connected card: ATR, negotiated protocol and raw transmit."""

    def __init__(self, handle: Any, protocol: int, atr: bytes, reader: str) -> None:
        self.handle, self.protocol, self.atr, self.reader = handle, protocol, atr, reader

    @property
    def protocol_name(self) -> str:
        return "T=0" if self.protocol == scard.SCARD_PROTOCOL_T0 else "T=1"

    def transmit(self, apdu: bytes) -> bytes:
        return bytes(_call("transmit", scard.SCardTransmit, self.handle, self.protocol, list(apdu)))

    def disconnect(self) -> None:
        try:
            scard.SCardDisconnect(self.handle, scard.SCARD_RESET_CARD)
        except (scard.error, TypeError, SystemError):
            pass  # the handle died with the card or with pcscd; nothing is left to release


class PcscContext:
    """One PC/SC context (a connection to pcscd). Not thread safe: use it on the device thread."""

    def __init__(self) -> None:
        self._ctx: Any = None

    @property
    def established(self) -> bool:
        return self._ctx is not None

    def establish(self) -> None:
        if self._ctx is None:
            self._ctx = _call("establish context", scard.SCardEstablishContext, scard.SCARD_SCOPE_USER)

    def release(self) -> None:
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            try:
                scard.SCardReleaseContext(ctx)
            except (scard.error, TypeError, SystemError):
                pass  # pcscd already gone: the context died with it

    def _require(self) -> Any:
        if self._ctx is None:
            raise DeviceOffline("no PC/SC context", code="device.ss_card.pcsc_offline")
        return self._ctx

    def readers(self) -> list[str]:
        ctx = self._require()
        try:
            hresult, names = scard.SCardListReaders(ctx, [])
        except (scard.error, TypeError, SystemError) as exc:
            raise CardReadError(f"list readers: {exc}", code="device.ss_card.pcsc") from exc
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:  # pcscd is fine, just no reader
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise translate(hresult, "list readers")
        return list(names)

    def states(self, readers: list[str], *, timeout_ms: int = 0) -> dict[str, tuple[int, bytes]]:
        """Reader → (event state bits, ATR) now (timeout 0) or after a change within ``timeout_ms``."""
        if not readers:
            return {}
        ctx = self._require()
        query = [(name, scard.SCARD_STATE_UNAWARE) for name in readers]
        try:
            found = _call("reader states", scard.SCardGetStatusChange, ctx, timeout_ms, query)
        except DeviceTimeout:
            return {}
        return {name: (state, bytes(atr)) for name, state, atr in found}

    def wait_removed(self, reader: str, *, timeout_ms: int) -> bool:
        """Block up to ``timeout_ms`` for the card in ``reader`` to go; True if it is gone."""
        now = self.states([reader]).get(reader)
        if now is None or not now[0] & scard.SCARD_STATE_PRESENT:
            return True
        ctx = self._require()
        query = [(reader, now[0] & ~scard.SCARD_STATE_CHANGED)]
        try:
            found = _call("wait for removal", scard.SCardGetStatusChange, ctx, timeout_ms, query)
        except DeviceTimeout:
            return False
        return not found[0][1] & scard.SCARD_STATE_PRESENT

    def connect(self, reader: str) -> PcscCard:
        ctx = self._require()
        handle, protocol = _call(
            f"connect to {reader}", scard.SCardConnect, ctx, reader, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        try:
            _, _, _, atr = _call("card status", scard.SCardStatus, handle)
        except DeviceError:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
            raise
        return PcscCard(handle, protocol, bytes(atr), reader)


def is_present(state: int) -> bool:
    return bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE


def wait_reader_empty(reader: str, *, timeout_s: float = 3.0) -> bool:
    """Wait until pcscd itself has seen the card leave ``reader`` (its own short-lived context).

    A virtual card swapped faster than pcscd polls would otherwise inherit the previous card's
    protocol. Returns False on timeout or when pcscd is unreachable.
    """
    ctx = PcscContext()
    try:
        ctx.establish()
        return ctx.wait_removed(reader, timeout_ms=int(timeout_s * 1000))
    except DeviceError:
        return False
    finally:
        ctx.release()


def wait_reader_present(reader: str, *, timeout_s: float = 3.0) -> bool:
    """Wait until pcscd reports a card in ``reader`` (e.g. a PSAM just inserted through vpcd)."""
    ctx = PcscContext()
    deadline = time.monotonic() + timeout_s
    try:
        ctx.establish()
        while time.monotonic() < deadline:
            state = ctx.states([reader]).get(reader)
            if state is not None and is_present(state[0]):
                return True
            time.sleep(0.02)
        return False
    except DeviceError:
        return False
    finally:
        ctx.release()
