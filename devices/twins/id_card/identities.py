"""Fictitious card holders for the emulator: realistic layouts, valid check digits, no real people.

Photos and fingerprints are deterministic pseudo-random bytes: on a real card they are encrypted
data, so the emulator does not pretend to hold an image. The one exception is ``resident_photo``,
whose photo field holds a real portrait in the twin WLT format (wlt_twin.py) for 人证比对: only the
twin decoder (wlt_twin.c, set as ``devices.id_card.photo_decoder``) turns it into an image.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devices.id_card.codes import gb11643_check_char, mrz_check_char
from devices.id_card.text import PHOTO_LEN, build_text

PORTRAITS = Path(__file__).parents[1] / "face_verifier" / "samples" / "source"


@dataclass(frozen=True)
class Identity:
    """One emulated card: its type letter ('' resident, 'J', 'I', 'Y') and its text fields."""

    key: str
    letter: str
    fields: Mapping[str, str] = field(repr=False)
    has_fingerprint: bool = True
    # a portrait in devices/twins/face_verifier/samples/source/ stored as a twin WLT photo
    portrait: str = ""

    def text_block(self) -> bytes:
        return build_text(self.letter, self.fields)

    def photo(self) -> bytes:
        if self.portrait:
            import cv2

            from devices.twins.id_card.wlt_twin import encode

            image = cv2.imread(str(PORTRAITS / f"{self.portrait}.jpg"))
            if image is not None:
                return encode(image)
        return hashlib.shake_256(f"wlt-photo:{self.key}".encode()).digest(PHOTO_LEN)

    def fingerprint(self) -> bytes:
        """Two 512-byte templates as the card stores them (content is opaque here)."""
        return hashlib.shake_256(f"fingerprint:{self.key}".encode()).digest(1024) if self.has_fingerprint else b""


def _id18(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def _foreign15(first14: str) -> str:
    return first14 + mrz_check_char(first14)


IDENTITIES: dict[str, Identity] = {
    i.key: i
    for i in (
        Identity("resident", "", {
            "name": "张伟", "sex": "1", "nation": "01", "birth": "19900307",
            "address": "北京市东城区景山前街4号院3号楼2单元501室", "id_number": _id18("11010119900307123"),
            "issuer": "北京市公安局东城分局", "valid_from": "20150612", "valid_until": "20350612",
        }),
        Identity("resident_long_term", "", {
            "name": "阿依古丽·买买提", "sex": "2", "nation": "05", "birth": "19580612",
            "address": "新疆维吾尔自治区乌鲁木齐市天山区解放南路128号", "id_number": _id18("65010219580612004"),
            "issuer": "乌鲁木齐市公安局天山区分局", "valid_from": "20120301", "valid_until": "长期",
        }, has_fingerprint=False),
        Identity("resident_x", "", {
            "name": "欧阳娜娜", "sex": "2", "nation": "01", "birth": "20010815",
            "address": "广东省广州市天河区天河路385号", "id_number": _id18("44010620010815002"),
            "issuer": "广州市公安局天河区分局", "valid_from": "20190901", "valid_until": "20290901",
        }),
        Identity("resident_photo", "", {
            "name": "李静", "sex": "2", "nation": "01", "birth": "19560319",
            "address": "北京市海淀区中关村南大街5号", "id_number": _id18("11010819560319002"),
            "issuer": "北京市公安局海淀分局", "valid_from": "20160301", "valid_until": "长期",
        }, portrait="collins_1"),
        Identity("hk_resident", "J", {
            "name": "陈大文", "sex": "1", "birth": "19800101",
            "address": "广东省深圳市福田区福中三路2012号", "id_number": _id18("81000019800101001"),
            "issuer": "深圳市公安局福田分局", "valid_from": "20230315", "valid_until": "20280315",
            "pass_number": "H01234567", "issue_count": "02",
        }),
        Identity("foreigner", "I", {
            "english_name": "SMITH, JOHN WILLIAM", "sex": "1", "id_number": _foreign15("USA11008504151"),
            "nation": "USA", "name": "史密斯", "valid_from": "20190520", "valid_until": "20290520",
            "birth": "19850415", "card_version": "02", "issuer": "1500",
        }),
        Identity("foreigner_2023", "Y", {
            "name": "玛丽亚", "sex": "2", "issue_count": "00", "birth": "19880921",
            "english_name": "GARCIA LOPEZ, MARIA", "id_number": _id18("93172419880921012"),
            "valid_from": "20240110", "valid_until": "20340110", "nation": "ESP",
        }),
    )
}
