"""The face_verifier contract against the model-free twin and the dlib driver (model from its wheel)."""

from __future__ import annotations

import pytest

from devices.errors import DeviceConfigError, DriverImportFailed
from devices.face_verifier.dlib_driver import DlibFaceVerifier
from devices.face_verifier.protocol import FaceVerifier
from devices.registry import is_twin, open_device
from devices.twins.face_verifier.twin import TwinFaceVerifier
from tests.rigs import rig_missing
from tests.unit.devices.face_verifier_contract import FaceVerifierContract


class TestTwin(FaceVerifierContract):
    make = staticmethod(lambda: TwinFaceVerifier())


def _dlib() -> DlibFaceVerifier:
    v = DlibFaceVerifier()
    try:
        v.open()
    except DriverImportFailed as exc:
        rig_missing(f"dlib-bin and face-recognition-models are not installed ({exc.code})")
    v.close()
    return DlibFaceVerifier()


class TestDlib(FaceVerifierContract):
    make = staticmethod(_dlib)
    different_photo = True


def test_registry_and_settings() -> None:
    assert isinstance(open_device("face_verifier", "twin"), FaceVerifier)
    assert is_twin("face_verifier", "twin") and not is_twin("face_verifier", "dlib")
    with pytest.raises(DeviceConfigError, match=r"devices\.face_verifier\.url"):
        open_device("face_verifier", "provincial")
    from config import load_settings

    conf = load_settings().devices.face_verifier
    assert conf.enabled is False and conf.driver == "twin"  # off unless a hall turns it on
