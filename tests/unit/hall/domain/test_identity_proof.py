"""The domain's proof rules on their own: the GA 467 block read at its fixed offsets, card validity,
social-security card forms, signed face decisions and their age."""

from __future__ import annotations

from datetime import date

import pytest

from devices.id_card.text import build_text
from hall.server.domain import identity_proof as rules
from tests.rigs.proofs import card_photo, card_text

ALICE = "110101199003071233"


def test_the_block_names_its_holder_in_every_layout() -> None:
    assert rules.read_card_text(card_text(ALICE)) == rules.CardText(ALICE, date(2035, 6, 12))
    assert rules.read_card_text(card_text(ALICE, valid_until="长期")).valid_to is None
    permit = build_text("J", {"name": "陈大文", "sex": "1", "birth": "19800101", "address": "深圳",
                              "id_number": "810000198001010011", "issuer": "深圳", "valid_from": "20230315",
                              "valid_until": "20280315", "pass_number": "H01234567", "issue_count": "02"})
    assert rules.read_card_text(permit).id_number == "810000198001010011"
    with pytest.raises(rules.ProofRejected):
        rules.read_card_text(b"\x00" * 255)


def test_card_checks() -> None:
    rules.check_id_card(card_text(ALICE), card_photo(ALICE), id_number=ALICE, today=date(2026, 1, 1))
    with pytest.raises(rules.CardExpired):
        rules.check_id_card(card_text(ALICE), card_photo(ALICE), id_number=ALICE, today=date(2036, 1, 1))
    with pytest.raises(rules.ProofMismatch):
        rules.check_id_card(card_text(ALICE), card_photo(ALICE), id_number="310115200001010016",
                            today=date(2026, 1, 1))
    with pytest.raises(rules.ProofRejected):  # padding where the SAM gives the encrypted photo
        rules.check_id_card(card_text(ALICE), b" " * 1024, id_number=ALICE, today=date(2026, 1, 1))
    rules.check_ss_card("1101" * 8, "a12345678", id_number=ALICE, holder_id=ALICE)
    with pytest.raises(rules.ProofRejected):
        rules.check_ss_card("12", "A12345678", id_number=ALICE, holder_id=ALICE)


def test_face_decisions_are_signed_for_one_number_and_age() -> None:
    key, at = b"k", 1_700_000_000
    sig = rules.sign_face_decision(key, serial="S", id_number=ALICE, result="match", score=0.9, issued_at=at)

    def check(*, key: bytes = key, id_number: str = ALICE, now_s: int = at + 10) -> None:
        rules.check_face(key, signature=sig, serial="S", id_number=id_number, result="match", score=0.9,
                         issued_at=at, now_s=now_s, max_age_s=60)

    check()
    with pytest.raises(rules.ProofExpired):
        check(now_s=at + 61)
    with pytest.raises(rules.FaceUnverifiable):
        check(key=b"")
    with pytest.raises(rules.ProofRejected):
        check(id_number="310115200001010016")
