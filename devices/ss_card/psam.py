"""The PSAM behind a 3.0 card's issuer authentication, as a small interface plus the APDU flow.

3.0 social-security cards release issue/expiry dates and EF06 only after (LD/T 32.5, and the flow in
gdgly/SI_3rdCard): internal authentication (the card proves it is genuine: it encrypts 16 bytes of
terminal data with its card key) and external authentication (the terminal proves it holds the
issuer's key: two GET CHALLENGEs, the 16 bytes encrypted by the PSAM, sent in EXTERNAL AUTHENTICATE).
The PSAM derives the card key from its master key and the card identification code (the last 8
bytes, and their complement, as the diversification data) using the PBOC general-purpose cipher
commands ``80 1A`` (initialise with diversification) and ``80 FA`` (encrypt). Key usage and index
bytes differ between provinces' PSAMs, so they are options.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from devices.errors import CardReadError

# transmit(apdu) -> (data, sw) with 61xx/6Cxx already handled
Transmit = Callable[[bytes], tuple[bytes, int]]


class PsamError(CardReadError):
    """The PSAM refused a command, or the card failed the PSAM's check."""

    code = "device.ss_card.psam"


def sm4_ecb(key: bytes, data: bytes) -> bytes:
    """SM4 (GB/T 32907) in ECB over whole 16-byte blocks."""
    if len(key) != 16 or len(data) % 16:
        raise ValueError("SM4 needs a 16-byte key and whole 16-byte blocks")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - single-block card crypto
    return enc.update(data) + enc.finalize()


def diversification(card_id: bytes) -> bytes:
    """The 8 bytes a card key is diversified by: the tail of the card identification code."""
    return bytes(card_id[-8:])


def derive_card_key(master: bytes, div8: bytes) -> bytes:
    """PBOC-style diversification: K = E(MK, D ‖ ¬D)."""
    return sm4_ecb(master, div8 + bytes(b ^ 0xFF for b in div8))


class Psam(Protocol):
    """What the reader needs from a PSAM: one cipher operation under a card-diversified key."""

    def encrypt(self, *, key: str, div8: bytes, data: bytes) -> bytes:
        """``key`` is ``"internal"`` or ``"external"``. Raises PsamError or a DeviceError."""


@dataclass(frozen=True)
class PsamKeys:
    """Key references inside the PSAM (P1 = usage, P2 = index of ``80 1A``)."""

    internal: tuple[int, int] = (0x27, 0x01)
    external: tuple[int, int] = (0x26, 0x01)
    # P2 of INTERNAL / EXTERNAL AUTHENTICATE on the user card (key index in the card)
    card_internal_index: int = 0x00
    card_external_index: int = 0x0A


class ApduPsam:
    """A PSAM card reached through ``transmit`` (the driver's second reader slot)."""

    def __init__(self, transmit: Transmit, *, aid: bytes | None = None, keys: PsamKeys | None = None):
        self._tx, self.keys = transmit, keys or PsamKeys()
        if aid:
            _, sw = transmit(bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid)
            if sw != 0x9000:
                raise PsamError(f"PSAM refused application selection (SW {sw:04X})")

    def encrypt(self, *, key: str, div8: bytes, data: bytes) -> bytes:
        usage, index = self.keys.internal if key == "internal" else self.keys.external
        _, sw = self._tx(bytes([0x80, 0x1A, usage, index, len(div8)]) + div8)
        if sw != 0x9000:
            raise PsamError(f"PSAM key {key} not available (SW {sw:04X})")
        out, sw = self._tx(bytes([0x80, 0xFA, 0x00, 0x00, len(data)]) + data + b"\x00")
        if sw != 0x9000 or len(out) != len(data):
            raise PsamError(f"PSAM cipher failed (SW {sw:04X})")
        return out


def authenticate(card: Transmit, psam: Psam, *, card_id: bytes, keys: PsamKeys | None = None) -> None:
    """Internal then external authentication of a 3.0 card. Raises PsamError on any refusal."""
    keys = keys or PsamKeys()
    div8 = diversification(card_id)
    terminal_data = os.urandom(16)
    answer, sw = card(bytes([0x00, 0x88, 0x00, keys.card_internal_index, 16]) + terminal_data + b"\x00")
    if sw != 0x9000 or len(answer) < 8:
        raise PsamError(f"card refused internal authentication (SW {sw:04X})")
    expected = psam.encrypt(key="internal", div8=div8, data=terminal_data)[:8]
    if answer[:8] != expected:
        raise PsamError("internal authentication failed: the card is not genuine", code="device.ss_card.not_genuine")
    challenges = b""
    for _ in range(2):
        chal, sw = card(bytes.fromhex("0084000008"))
        if sw != 0x9000 or len(chal) != 8:
            raise PsamError(f"card refused GET CHALLENGE (SW {sw:04X})")
        challenges += chal
    cryptogram = psam.encrypt(key="external", div8=div8, data=challenges)
    _, sw = card(bytes([0x00, 0x82, 0x00, keys.card_external_index, 16]) + cryptogram)
    if sw != 0x9000:
        raise PsamError(f"card refused external authentication (SW {sw:04X})")

