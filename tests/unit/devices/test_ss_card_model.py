"""The virtual SSSE card in-process: APDU semantics, generations, faults, and the PSAM flow."""

from __future__ import annotations

import pytest

from devices.errors import CardReadError
from devices.ss_card.protocol import JSON_KEYS
from devices.ss_card.psam import ApduPsam
from devices.ss_card.ssse import ApduChannel, algorithm_id, read_card
from devices.twins.ss_card.card_model import (
    DEMO_EXTERNAL_MASTER,
    DEMO_INTERNAL_MASTER,
    SSSE_AID,
    Fault,
    Holder,
    VirtualSsCard,
)
from devices.twins.ss_card.psam_model import SoftPsam, VirtualPsam
from devices.twins.ss_card.vpcd import CardPulled

SELECT = bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_AID)]) + SSSE_AID


def _selected(card: VirtualSsCard, ef: int = 5) -> VirtualSsCard:
    card.apdu(SELECT)
    assert card.apdu(bytes([0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, ef])) == b"\x90\x00"
    return card


def test_t0_style_needs_get_response_and_exact_le() -> None:
    card = VirtualSsCard(answer_style="t0")
    sw = card.apdu(SELECT)
    assert sw[0] == 0x61
    fci = card.apdu(bytes([0x00, 0xC0, 0x00, 0x00, sw[1]]))
    assert fci[0] == 0x6F and fci[-2:] == b"\x90\x00"
    card.apdu(bytes.fromhex("00A4020002EF05"))
    assert card.apdu(bytes.fromhex("00B2070000")) == b"\x6c\x0b"  # 2 + 9 chars of card number
    assert card.apdu(bytes.fromhex("00B207000B")) == b"\x07\x09A12345678\x90\x00"


def test_t1_style_answers_directly() -> None:
    card = VirtualSsCard(answer_style="t1")
    assert card.apdu(SELECT + b"\x00")[-2:] == b"\x90\x00"
    card.apdu(bytes.fromhex("00A4020002EF05"))
    assert card.apdu(bytes.fromhex("00B2070000")) == b"\x07\x09A12345678\x90\x00"


def test_read_by_number_sfi_and_tag_and_the_1_0_shift() -> None:
    two = _selected(VirtualSsCard(generation="2.0", answer_style="t1"), ef=6)
    one = _selected(VirtualSsCard(generation="1.0", answer_style="t1"), ef=6)
    assert two.apdu(bytes.fromhex("00B2030400"))[0] == 0x4E  # record 3 is the name extension
    assert one.apdu(bytes.fromhex("00B2030400"))[0] == 0x0A  # …which 1.0 cards lack
    assert one.apdu(bytes.fromhex("00B24E0000")) == b"\x6a\x83"
    assert two.apdu(bytes.fromhex("00B2013400"))[0] == 0x08  # SFI 6, record 1
    assert two.apdu(bytes.fromhex("00B2012C00"))[0] == 0x01  # SFI 5, record 1
    assert two.apdu(bytes.fromhex("00B2093000"))[:2] == b"\x09\x1e"  # by tag in SFI 6


def test_generation_3_hides_all_but_id_version_number() -> None:
    card = _selected(VirtualSsCard(generation="3.0", answer_style="t1"))
    assert card.apdu(bytes.fromhex("00B2010000"))[-2:] == b"\x90\x00"
    assert card.apdu(bytes.fromhex("00B2050000")) == b"\x69\x82"
    fci = ApduChannel(VirtualSsCard(generation="3.0").apdu).transmit(SELECT + b"\x00")[0]
    assert algorithm_id(fci) == 0x04
    assert algorithm_id(b"\x6f\x00") == 0x01


def test_pull_mid_read_drops_the_answer() -> None:
    card = _selected(VirtualSsCard(fault=Fault.PULL_MID_READ, answer_style="t1"), ef=6)
    with pytest.raises(CardPulled):
        card.apdu(bytes.fromhex("00B2090000"))


@pytest.mark.parametrize("style", ["t0", "t1"])
@pytest.mark.parametrize("generation", ["1.0", "2.0", "3.0"])
def test_read_sequence_in_process(generation: str, style: str) -> None:
    card = VirtualSsCard(generation=generation, answer_style=style)
    record = read_card(card.apdu, atr=card.atr())
    assert record.card_version == f"{generation}0" and record.card_number == "A12345678"
    assert record.holder_data == ("needs_psam" if generation == "3.0" else "read")
    assert tuple(record.to_json()) == JSON_KEYS


def test_psam_apdu_flow_unlocks_a_3_0_card() -> None:
    card = VirtualSsCard(generation="3.0", answer_style="t0")
    psam_card = VirtualPsam()
    psam = ApduPsam(ApduChannel(psam_card.apdu).transmit, aid=SSSE_AID)
    record = read_card(card.apdu, atr=card.atr(), psam=psam)
    assert record.holder_data == "read" and record.name == "张三" and record.valid_until == "2030-01-15"
    assert [c[:2] for c in psam_card.commands].count(b"\x80\x1a") == 2


def test_soft_psam_and_wrong_keys() -> None:
    soft = SoftPsam(internal_master=DEMO_INTERNAL_MASTER, external_master=DEMO_EXTERNAL_MASTER)
    card = VirtualSsCard(generation="3.0", answer_style="t1")
    assert read_card(card.apdu, atr=card.atr(), psam=soft).holder_data == "read"
    wrong_ext = SoftPsam(internal_master=DEMO_INTERNAL_MASTER, external_master=bytes(16))
    assert read_card(card.apdu, atr=card.atr(), psam=wrong_ext).holder_data == "needs_psam"
    fake = VirtualSsCard(generation="3.0", internal_master=bytes(16))
    with pytest.raises(CardReadError) as err:
        read_card(fake.apdu, atr=fake.atr(), psam=soft)
    assert err.value.code == "device.ss_card.not_genuine"


def test_faults_become_typed_errors() -> None:
    for fault, code in ((Fault.FILE_NOT_FOUND, "device.ss_card.file_not_found"),
                        (Fault.SECURITY, "device.ss_card.security")):
        card = VirtualSsCard(fault=fault)
        with pytest.raises(CardReadError) as err:
            read_card(card.apdu, atr=card.atr())
        assert err.value.code == code
    other = VirtualSsCard()
    with pytest.raises(CardReadError) as err:
        read_card(lambda apdu: b"\x6a\x82" if apdu[1] == 0xA4 else other.apdu(apdu), atr=b"")
    assert err.value.code == "device.ss_card.not_ssse"


def test_an_odd_secondary_item_does_not_lose_the_card() -> None:
    card = VirtualSsCard(holder=Holder(nation="77"), answer_style="t1")
    record = read_card(card.apdu, atr=card.atr())
    assert record.nation is None and record.name == "张三" and record.holder_data == "read"
