"""The twin WLT photo: encoded by the ID-card twin, decoded by a C library built with gcc and loaded
through ``devices.id_card.photo_decoder`` (ctypes) — the vendor decoder's path — then used as the
reference photo of 人证比对."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.face_verifier.protocol import Decision
from devices.id_card.errors import PhotoDecoderError
from devices.id_card.photo import VENDOR_BMP_LEN, WltDecoder
from devices.status import Health
from devices.twins.face_verifier import testset as ts
from devices.twins.face_verifier.twin import TwinFaceVerifier
from devices.twins.id_card.emulated import EmulatedGa467Reader
from devices.twins.id_card.identities import IDENTITIES
from devices.twins.id_card.wlt_twin import HEIGHT, WIDTH, encode

SRC = ts.sources()


def _image(bmp: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(bmp, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_the_decoder_gives_a_vendor_sized_bmp_of_the_portrait(wlt_twin_decoder: Path) -> None:
    decoder = WltDecoder(str(wlt_twin_decoder))
    portrait = SRC["obama_1"]
    bmp = decoder.decode(encode(portrait))
    assert len(bmp) == VENDOR_BMP_LEN and bmp[:2] == b"BM"
    image = _image(bmp)
    assert image.shape == (126, 102, 3)
    want = cv2.resize(cv2.cvtColor(portrait, cv2.COLOR_BGR2GRAY), (102, 126), interpolation=cv2.INTER_AREA)
    got = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert float(np.mean(cv2.absdiff(got, want))) < 16  # 4-bit grey at 40×50: close, not equal
    # a real card's (encrypted) photo is not a twin photo: refused, never turned into an image
    with pytest.raises(PhotoDecoderError):
        decoder.decode(IDENTITIES["resident"].photo())
    assert len(encode(portrait)) == 1024 and WIDTH * HEIGHT // 2 + 6 <= 1024


def test_the_card_twin_carries_a_face_the_kiosk_can_compare(wlt_twin_decoder: Path) -> None:
    reader = EmulatedGa467Reader(photo_decoder=str(wlt_twin_decoder), timeout_s=0.5, card="resident_photo")
    try:
        rec = reader.read_once(2)
        assert reader.status().health is Health.OK
    finally:
        reader.close()
    assert rec.photo_bmp is not None
    reference = _image(rec.photo_bmp)
    with TwinFaceVerifier() as v:
        same = v.verify(reference, ts.frames(SRC["collins_1"]))
        other = v.verify(reference, ts.frames(SRC["biden_1"]))
    assert same.decision is Decision.MATCH and other.decision is Decision.NO_MATCH, (same, other)
