"""Identity before personal data (issue 14.2), walked through the real kiosk flows without Qt.

A typed ID number takes a number or checks in, and nothing else; cases, e-licences, prefilled forms
and applications need the ID card, the social-security card or a 亮码, whose proof travels with every
request (the hall server checks it again: tests/hostile/test_identity_proof.py). Without a face
verifier the face step is 拍照留档 and never claims to verify.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest

from devices.code_scanner.protocol import ScannedCode
from devices.twins.face_verifier import testset as ts
from devices.twins.face_verifier.twin import TwinFaceVerifier
from kiosk.adapters.devices import FaceVerifierPortAdapter, KioskDevices
from kiosk.flows.base import Devices
from kiosk.i18n import en, zh_CN
from tests.unit.kiosk.fakes import ELDER_ID, YOUNG_ID, id_card, ss_card
from tests.unit.kiosk.test_flows import Kiosk

SRC = ts.sources()


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
    assert zh_CN.TABLE["face.title.verify"] == "人证比对"  # said only where a verifier compares (below)


def test_a_proof_the_hall_refuses_asks_for_another_way() -> None:
    k = Kiosk()
    k.tile("query")
    k.ctx.hall.refuse_proofs = True
    v = k.event("id_card", "card_placed", id_card())
    assert v.screen == "identify" and v.data["notice"] == "identify.proof_needed"
    assert k.ctx.session.identity is None


def _jpeg(image: np.ndarray, ext: str = ".jpg") -> bytes:
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()


@pytest.fixture
def face_kiosk() -> Iterator[Kiosk]:
    """A kiosk with the twin face verifier running behind the real port adapter."""
    devices = KioskDevices(drivers={"face_verifier": TwinFaceVerifier()})
    devices.open_all()
    k = Kiosk(face_verifier=True)
    k.ctx.face = FaceVerifierPortAdapter(devices, timeout_s=30)
    yield k
    devices.close_all()


def _card_with_photo() -> Any:
    return dataclasses.replace(id_card(), photo_bmp=_jpeg(ts.id_photo(SRC["collins_1"]), ".bmp"))


def test_with_a_verifier_the_face_must_match_the_card_photo(face_kiosk: Kiosk) -> None:
    k = face_kiosk
    k.tile("submit")
    v = k.event("id_card", "card_placed", _card_with_photo())
    assert v.screen == "face" and v.data["verify"] is True and v.prompt == "face.prompt.verify"
    # a photo for the file alone does not get past 人证比对
    assert k.tap("face_ok", _jpeg(SRC["collins_1"])).screen == "face" and not k.ctx.session.face_photos
    v = k.tap("face_verify", [_jpeg(f) for f in ts.frames(SRC["obama_1"])])
    assert v.screen == "message" and v.data["key"] == "face.no_match" and "face_retry" in v.data["actions"]
    v = k.tap("face_retry")
    v = k.tap("face_verify", [_jpeg(f) for f in ts.frames(SRC["collins_1"], still=True)])
    assert v.data["key"] == "face.not_live"
    k.tap("face_retry")
    v = k.tap("face_verify", [_jpeg(f) for f in ts.frames(SRC["collins_1"])])
    assert v.screen == "catalogue" and len(k.ctx.session.face_photos) == 1


def test_without_the_card_photo_the_face_step_stays_a_photo_for_the_file(face_kiosk: Kiosk) -> None:
    k = face_kiosk
    k.tile("submit")
    v = k.event("ss_card", "card_placed", ss_card())  # no photo to compare with
    assert v.screen == "face" and v.data["verify"] is False
    assert k.tap("face_ok", _jpeg(SRC["collins_1"])).screen == "catalogue"


def test_no_card_a_typed_number_and_a_face_the_provincial_service_matches(face_kiosk: Kiosk) -> None:
    from devices.face_verifier.provincial import ProvincialFaceVerifier
    from devices.twins.face_verifier.provincial_service import ProvincialService

    with ProvincialService(key=b"k", app_id="hall", app_key="s") as svc:
        svc.register(YOUNG_ID, ts.id_photo(SRC["collins_1"]))
        devices = KioskDevices(drivers={"face_verifier": ProvincialFaceVerifier(url=svc.url, app_id="hall",
                                                                                 app_key="s", timeout_s=20)})
        devices.open_all()
        try:
            k = face_kiosk
            k.ctx.face = FaceVerifierPortAdapter(devices, timeout_s=30)
            seen = Devices()
            devices.refresh(seen)  # the kiosk's device table tells a provincial verifier apart
            assert seen.face_verifier and seen.face_by_id
            k.ctx.devices.face_by_id = True
            v = k.tile("query")
            assert v.data["proof_ways"][-1] == "face"
            assert k.tap("face_way").screen == "keypad"
            v = k.tap("keypad_submit", YOUNG_ID)
            assert v.screen == "face" and v.data["by_id"] and v.prompt == "face.prompt.by_id"
            v = k.tap("face_verify", [_jpeg(f) for f in ts.frames(SRC["obama_1"])])
            assert v.screen == "message" and v.data["key"] == "face.no_match"
            k.tap("face_retry")
            v = k.tap("face_verify", [_jpeg(f) for f in ts.frames(SRC["collins_1"])])
        finally:
            devices.close_all()
    assert v.screen == "cases"
    proof = k.ctx.hall.proofs[-1]
    assert proof is not None and proof["method"] == "face" and proof["face"]["result"] == "match"
    assert len(proof["face"]["signature"]) == 64
    assert k.ctx.session.identity is not None and k.ctx.session.identity.source == "face"


def test_without_a_provincial_service_there_is_no_face_way(face_kiosk: Kiosk) -> None:
    face_kiosk.ctx.devices.face_by_id = False
    v = face_kiosk.tile("query")
    assert "face" not in v.data["proof_ways"]
    assert face_kiosk.tap("face_way").data.get("notice", "") == ""  # ignored: still the identify screen
