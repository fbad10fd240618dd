"""A virtual PSAM for the second vpcd slot: PBOC general-purpose cipher (80 1A / 80 FA) with SM4."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from devices.ss_card.psam import PsamKeys, derive_card_key, sm4_ecb
from devices.twins.ss_card.card_model import DEMO_EXTERNAL_MASTER, DEMO_INTERNAL_MASTER, SSSE_AID

ATR_PSAM = bytes.fromhex("3B690000") + b"SSSE-PSAM"


@dataclass
class VirtualPsam:
    """Holds the issuer's master keys under the key references of :class:`PsamKeys`."""

    internal_master: bytes = DEMO_INTERNAL_MASTER
    external_master: bytes = DEMO_EXTERNAL_MASTER
    keys: PsamKeys = field(default_factory=PsamKeys)
    aid: bytes = SSSE_AID
    commands: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._session: bytes | None = None

    def atr(self) -> bytes:
        return ATR_PSAM

    def power(self, on: bool) -> None:
        self._session = None

    def reset(self) -> None:
        self._session = None

    def apdu(self, command: bytes) -> bytes:
        with self._lock:
            self.commands.append(bytes(command))
            return self._dispatch(command)

    def _dispatch(self, c: bytes) -> bytes:
        if len(c) < 5:
            return b"\x67\x00"
        cla, ins, p1, p2, lc = c[0], c[1], c[2], c[3], c[4]
        data = c[5 : 5 + lc]
        if len(data) != lc:
            return b"\x67\x00"
        if (cla, ins) == (0x00, 0xA4):
            return b"\x90\x00" if data == self.aid else b"\x6a\x82"
        if (cla, ins) == (0x80, 0x1A):
            masters = {self.keys.internal: self.internal_master, self.keys.external: self.external_master}
            master = masters.get((p1, p2))
            if master is None or lc != 8:
                return b"\x6a\x88"  # key not found
            self._session = derive_card_key(master, data)
            return b"\x90\x00"
        if (cla, ins) == (0x80, 0xFA):
            if self._session is None:
                return b"\x69\x85"  # conditions of use not satisfied
            if lc % 16:
                return b"\x67\x00"
            return sm4_ecb(self._session, data) + b"\x90\x00"
        return b"\x6d\x00"


class SoftPsam:
    """A PSAM in software holding master keys — for the twins and tests, never for production."""

    def __init__(self, *, internal_master: bytes, external_master: bytes) -> None:
        self._masters = {"internal": internal_master, "external": external_master}

    def encrypt(self, *, key: str, div8: bytes, data: bytes) -> bytes:
        return sm4_ecb(derive_card_key(self._masters[key], div8), data)
