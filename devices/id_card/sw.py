"""SAM status byte SW3 → a typed result, and the typed error each failure raises."""

from __future__ import annotations

import enum

from devices.id_card import errors as e


class Sw3(enum.IntEnum):
    """Every SW3 value GA 467 readers answer (RIGS.md; GA/T 467-2019)."""

    OK = 0x90
    NO_CONTENT = 0x91
    FIND_OK = 0x9F
    CHECKSUM = 0x10
    LENGTH = 0x11
    BAD_COMMAND = 0x21
    UNAUTHORISED = 0x23
    UNKNOWN_ERROR = 0x24
    AUTH_FAILED = 0x31
    VERIFY_FAILED = 0x32
    INFO_AUTH_FAILED = 0x33
    FINGERPRINT = 0x37
    INFO_LENGTH = 0x3F
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SAM_SELF_TEST = 0x60
    SAM_NOT_AUTHORISED = 0x66
    NO_CARD = 0x80
    SELECT_FAILED = 0x81

    @property
    def success(self) -> bool:
        return self in _SUCCESS

    @property
    def error_class(self) -> type[e.SamStatusError] | None:
        return None if self.success else _ERRORS[self]

    @property
    def code(self) -> str:
        """Stable code of this status, e.g. ``id_card.sam.no_card``."""
        return "id_card.sam." + self.name.lower()


_SUCCESS = frozenset({Sw3.OK, Sw3.FIND_OK})

_ERRORS: dict[Sw3, type[e.SamStatusError]] = {
    Sw3.NO_CONTENT: e.SamCardError,
    Sw3.CHECKSUM: e.SamRejected,
    Sw3.LENGTH: e.SamRejected,
    Sw3.BAD_COMMAND: e.SamRejected,
    Sw3.UNAUTHORISED: e.SamRejected,
    Sw3.UNKNOWN_ERROR: e.SamRejected,
    Sw3.AUTH_FAILED: e.SamCardError,
    Sw3.VERIFY_FAILED: e.SamCardError,
    Sw3.INFO_AUTH_FAILED: e.SamCardError,
    Sw3.FINGERPRINT: e.SamCardError,
    Sw3.INFO_LENGTH: e.SamCardError,
    Sw3.UNKNOWN_CARD_TYPE: e.SamCardError,
    Sw3.READ_FAILED: e.SamCardError,
    Sw3.RANDOM_FAILED: e.SamCardError,
    Sw3.SAM_SELF_TEST: e.SamFault,
    Sw3.SAM_NOT_AUTHORISED: e.SamFault,
    Sw3.NO_CARD: e.SamNoCard,
    Sw3.SELECT_FAILED: e.SamSelectFailed,
}

_MESSAGES_EN: dict[Sw3, str] = {
    Sw3.OK: "operation succeeded",
    Sw3.NO_CONTENT: "the card has no such content",
    Sw3.FIND_OK: "card found",
    Sw3.CHECKSUM: "the reader received a frame with a bad checksum",
    Sw3.LENGTH: "the reader received a frame with a bad length",
    Sw3.BAD_COMMAND: "the reader does not know this command",
    Sw3.UNAUTHORISED: "operation not authorised",
    Sw3.UNKNOWN_ERROR: "unrecognised error in the reader",
    Sw3.AUTH_FAILED: "card authentication of the SAM failed",
    Sw3.VERIFY_FAILED: "SAM authentication of the card failed",
    Sw3.INFO_AUTH_FAILED: "verification of the card's data failed",
    Sw3.FINGERPRINT: "fingerprint data error",
    Sw3.INFO_LENGTH: "card data length error",
    Sw3.UNKNOWN_CARD_TYPE: "unknown card type",
    Sw3.READ_FAILED: "reading the card failed",
    Sw3.RANDOM_FAILED: "taking a random number from the card failed",
    Sw3.SAM_SELF_TEST: "the SAM module failed its self-test",
    Sw3.SAM_NOT_AUTHORISED: "the SAM module is not authorised",
    Sw3.NO_CARD: "no card in the field",
    Sw3.SELECT_FAILED: "selecting the card failed",
}


def describe(sw3: int) -> str:
    """English description of a status byte, for error messages and traces."""
    try:
        return _MESSAGES_EN[Sw3(sw3)]
    except ValueError:
        return f"undefined status 0x{sw3:02X}"


def check(sw3: int, *, command: str) -> Sw3:
    """Return the typed result for ``sw3`` or raise its typed error.

    Raises SamNoCard, SamSelectFailed, SamCardError, SamRejected, SamFault or SamUnknownStatus.
    """
    try:
        result = Sw3(sw3)
    except ValueError:
        unknown = e.SamUnknownStatus(f"{command}: reader answered undefined status 0x{sw3:02X}")
        unknown.sw3 = sw3
        raise unknown from None
    cls = result.error_class
    if cls is not None:
        err = cls(f"{command}: {describe(sw3)} (SW3 0x{sw3:02X})", code=result.code)
        err.sw3 = sw3
        raise err
    return result
