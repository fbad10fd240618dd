"""The ``provincial`` face verifier against the HTTP twin of the provincial service, over real HTTP.

A citizen without a card is verified against the photo the service holds for their ID number; the
service's signed decision is what the hall server accepts as proof of identity (same signing text).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.errors import DeviceConfigError, DeviceOffline
from devices.face_verifier.protocol import Decision, FaceVerifierError, IdNumberReference
from devices.face_verifier.provincial import ProvincialFaceVerifier
from devices.registry import open_device
from devices.twins.face_verifier import testset as ts
from devices.twins.face_verifier.provincial_service import ProvincialService, decision_text
from hall.server.domain import identity_proof

KEY = b"province-test-key"
ALICE = "110101199003071233"
SRC = ts.sources()


@pytest.fixture
def service() -> Iterator[ProvincialService]:
    with ProvincialService(key=KEY, app_id="hall-1", app_key="k1") as svc:
        svc.register(ALICE, ts.id_photo(SRC["collins_1"]))
        yield svc


def _verifier(service: ProvincialService, **options: object) -> ProvincialFaceVerifier:
    v = open_device("face_verifier", "provincial", url=service.url, app_id="hall-1", app_key="k1",
                    timeout_s=10.0, **options)
    assert isinstance(v, ProvincialFaceVerifier)
    return v


def test_a_registered_photo_by_id_number_verifies_and_the_hall_accepts_the_signed_decision(
        service: ProvincialService) -> None:
    with _verifier(service) as v:
        d = v.verify(IdNumberReference(ALICE), ts.frames(SRC["collins_1"]))
        other = v.verify(IdNumberReference(ALICE), ts.frames(SRC["obama_1"]))
        still = v.verify(IdNumberReference(ALICE), ts.frames(SRC["collins_1"], still=True))
    assert d.decision is Decision.MATCH and d.driver == "provincial"
    assert other.decision is Decision.NO_MATCH and still.decision is Decision.NOT_LIVE
    a = d.attestation
    # the hall server's check (hall.server.domain.identity_proof) accepts exactly this decision…
    identity_proof.check_face(KEY, signature=str(a["signature"]), serial=str(a["serial"]), id_number=ALICE,
                              result=str(a["result"]), score=float(str(a["score"])),
                              issued_at=int(str(a["issued_at"])), now_s=int(str(a["issued_at"])), max_age_s=60)
    # …for nobody else, and not a no_match
    with pytest.raises(identity_proof.ProofRejected):
        identity_proof.check_face(KEY, signature=str(a["signature"]), serial=str(a["serial"]),
                                  id_number="310115200001010016", result="match", score=float(str(a["score"])),
                                  issued_at=int(str(a["issued_at"])), now_s=int(str(a["issued_at"])), max_age_s=60)
    b = other.attestation
    with pytest.raises(identity_proof.ProofRejected):
        identity_proof.check_face(KEY, signature=str(b["signature"]), serial=str(b["serial"]), id_number=ALICE,
                                  result=str(b["result"]), score=float(str(b["score"])),
                                  issued_at=int(str(b["issued_at"])), now_s=int(str(b["issued_at"])), max_age_s=60)


def test_the_twin_signs_the_text_the_hall_checks() -> None:
    ours = decision_text(serial="S1", id_number=ALICE, result="match", score=0.87654, issued_at=1_700_000_000)
    assert ours == identity_proof.face_decision_text(serial="S1", id_number=ALICE, result="match", score=0.87654,
                                                     issued_at=1_700_000_000)


def test_service_faults_are_typed(service: ProvincialService) -> None:
    with _verifier(service) as v:
        service.fail_with = 503
        with pytest.raises(DeviceOffline):
            v.verify(IdNumberReference(ALICE), ts.frames(SRC["collins_1"]))
        service.fail_with = None
        with pytest.raises(FaceVerifierError):  # nobody registered under this number
            v.verify(IdNumberReference("310115200001010016"), ts.frames(SRC["collins_1"]))
    wrong = open_device("face_verifier", "provincial", url=service.url, app_id="hall-1", app_key="nope")
    with wrong:
        with pytest.raises(FaceVerifierError) as refused:
            wrong.verify(IdNumberReference(ALICE), ts.frames(SRC["collins_1"]))
    assert refused.value.code == "device.face_verifier.auth"


def test_an_unreachable_service_is_offline_and_an_empty_url_a_config_error(service: ProvincialService) -> None:
    url = service.url
    service.stop()
    v = open_device("face_verifier", "provincial", url=url, timeout_s=1.0)
    with pytest.raises(DeviceOffline):
        v.open()
    assert v.status().health.value == "offline"
    with pytest.raises(DeviceConfigError):
        open_device("face_verifier", "provincial", url="")
