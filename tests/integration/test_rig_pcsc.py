"""The PC/SC rig works: pcscd lists the vpcd readers, a virtual card's ATR and an APDU go through."""

from __future__ import annotations

import time

from smartcard import scard

from devices.twins.ss_card.card_model import ATR_T0, SSSE_AID
from tests.rigs.waiting import budget


def _wait_present(ctx: int, reader: str, timeout_s: float = 5.0) -> tuple[int, list[int]]:
    deadline = time.monotonic() + budget(timeout_s)
    state = scard.SCARD_STATE_UNAWARE
    while time.monotonic() < deadline:
        hresult, found = scard.SCardGetStatusChange(ctx, 200, [(reader, state)])
        if hresult == scard.SCARD_S_SUCCESS:
            _, state, atr = found[0]
            if state & scard.SCARD_STATE_PRESENT:
                return state, atr
            state &= ~scard.SCARD_STATE_CHANGED
    raise AssertionError(f"no card appeared in {reader}")


def test_pcscd_lists_vpcd_readers_and_a_card_answers(pcsc_virtual_reader) -> None:
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)
    try:
        hresult, readers = scard.SCardListReaders(ctx, [])
        assert hresult == scard.SCARD_S_SUCCESS
        assert pcsc_virtual_reader.reader_name in readers
        assert pcsc_virtual_reader.psam_reader_name in readers

        card = pcsc_virtual_reader.insert(generation="2.0")
        _, atr = _wait_present(ctx, pcsc_virtual_reader.reader_name)
        assert bytes(atr) == ATR_T0

        hresult, handle, protocol = scard.SCardConnect(
            ctx, pcsc_virtual_reader.reader_name, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)
        assert protocol == scard.SCARD_PROTOCOL_T0
        select = [0x00, 0xA4, 0x04, 0x00, len(SSSE_AID), *SSSE_AID, 0x00]
        hresult, response = scard.SCardTransmit(handle, protocol, select)
        assert hresult == scard.SCARD_S_SUCCESS
        assert response[0] == 0x61  # T=0 card: FCI waits for GET RESPONSE
        hresult, response = scard.SCardTransmit(handle, protocol, [0x00, 0xC0, 0x00, 0x00, response[1]])
        assert response[-2:] == [0x90, 0x00] and response[0] == 0x6F
        assert bytes(select) in card.commands
        scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    finally:
        scard.SCardReleaseContext(ctx)
