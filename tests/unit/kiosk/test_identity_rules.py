"""Identity before personal data (issue 14.2), walked through the real kiosk flows without Qt.

A typed ID number takes a number or checks in, and nothing else; cases, e-licences, prefilled forms
and applications need the ID card, the social-security card or a 亮码, whose proof travels with every
request (the hall server checks it again: tests/hostile/test_identity_proof.py). Without a face
verifier the face step is 拍照留档 and never claims to verify.
"""

from __future__ import annotations

import base64

from devices.code_scanner.protocol import ScannedCode
from kiosk.i18n import en, zh_CN
from tests.unit.kiosk.fakes import ELDER_ID, YOUNG_ID, id_card, ss_card
from tests.unit.kiosk.test_flows import Kiosk


def test_a_typed_number_opens_no_cases() -> None:
    k = Kiosk()
    v = k.tile("query")
    assert v.screen == "identify" and v.data["manual"] is False
    assert v.data["proof_ways"] == ["id_card", "ss_card", "service_code"]
    v = k.tap("manual")
    assert v.screen == "identify" and v.data["notice"] == "identify.proof_needed"
    # a keypad answer smuggled in is refused the same way, and nothing was asked of the hall
    v = k.tap("keypad_submit", YOUNG_ID)
    assert v.screen == "identify" and v.data["notice"] == "identify.proof_needed"
    assert k.ctx.hall.proofs == [] and k.ctx.session.identity is None


def test_an_application_needs_a_proven_identity_even_after_a_typed_ticket() -> None:
    k = Kiosk()
    k.tile("take_number")
    k.tap("category", "A")
    assert k.tap("manual").screen == "keypad"  # taking a number: a typed number is enough
    assert k.tap("keypad_submit", ELDER_ID).screen == "ticket"
    assert k.ctx.session.identity is not None and not k.ctx.session.identity.proven
    k.tap("done")
    v = k.tile("submit")
    assert v.screen == "identify" and v.data["manual"] is False  # …but not for an application


def test_the_card_read_is_the_proof_the_hall_gets() -> None:
    k = Kiosk()
    k.tile("query")
    card = id_card()
    v = k.event("id_card", "card_placed", card)
    assert v.screen == "cases"
    proof = k.ctx.hall.proofs[-1]
    assert proof is not None and proof["method"] == "id_card"
    assert base64.b64decode(proof["card_text"]) == card.text_raw
    assert base64.b64decode(proof["card_photo"]) == card.photo_wlt


def test_social_security_card_and_service_code_carry_their_proofs() -> None:
    k = Kiosk()
    k.tile("query")
    assert k.event("ss_card", "card_placed", ss_card()).screen == "cases"
    assert k.ctx.hall.proofs[-1] == {"method": "ss_card", "ss_card_id": "1101" * 8, "ss_card_number": "A12345678"}
    k.tap("home")
    k.tile("query")
    assert k.event("code_scanner", "code_scanned", ScannedCode("qr", "SVC-TOKEN-OK")).screen == "cases"
    assert k.ctx.hall.proofs[-1] == {"method": "service_code", "token": "HIP1.service_code.test"}


def test_without_a_face_verifier_the_face_step_only_takes_a_photo_for_the_file() -> None:
    k = Kiosk()
    k.tile("submit")
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "face" and v.data["verify"] is False and v.prompt == "face.prompt"
    assert zh_CN.TABLE["face.title"] == "人脸拍照留档" and "核验" not in zh_CN.TABLE["face.title"]
    assert "check" not in en.TABLE["face.title"].lower()
    k2 = Kiosk(face_verifier=True)
    k2.tile("submit")
    v = k2.event("id_card", "card_placed", id_card())
    assert v.data["verify"] is True and zh_CN.TABLE["face.title.verify"] == "人证比对"


def test_a_proof_the_hall_refuses_asks_for_another_way() -> None:
    k = Kiosk()
    k.tile("query")
    k.ctx.hall.refuse_proofs = True
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "identify" and v.data["notice"] == "identify.proof_needed"
    assert k.ctx.session.identity is None
