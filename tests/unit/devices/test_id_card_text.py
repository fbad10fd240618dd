"""Text block parsing (resident, J, I, Y layouts), code tables, check digits, record masking."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.privacy import mask_address
from devices.errors import ProtocolError
from devices.id_card.codes import (
    NATIONS,
    SEXES,
    foreign_permanent_valid,
    gb11643_check_char,
    gb11643_valid,
    mrz_check_char,
)
from devices.id_card.errors import RecordParseError, UnsupportedCardType
from devices.id_card.ga467_driver import split_read_answer
from devices.id_card.record import JSON_KEYS, IdCardRecord
from devices.id_card.text import PHOTO_LEN, TEXT_LEN, build_text, parse_record, split_fields, type_letter
from devices.twins.id_card.identities import IDENTITIES


def record_of(key: str) -> IdCardRecord:
    ident = IDENTITIES[key]
    return parse_record(ident.text_block(), ident.photo(), None)


def test_resident_card() -> None:
    rec = record_of("resident")
    assert rec.card_type == "resident"
    assert (rec.name, rec.sex_code, rec.sex, rec.nation_code, rec.nation) == ("张伟", "1", "男", "01", "汉")
    assert rec.birth_date == date(1990, 3, 7) and rec.valid_until == date(2035, 6, 12)
    assert rec.address.startswith("北京市东城区") and rec.issuer == "北京市公安局东城分局"
    assert rec.id_number_valid and len(rec.photo_wlt) == PHOTO_LEN and rec.photo_bmp is None
    assert rec.photo_wlt == IDENTITIES["resident"].photo()


def test_long_term_validity_and_minority_nation() -> None:
    rec = record_of("resident_long_term")
    assert rec.valid_until == "长期" and rec.long_term and not rec.expired(date(2099, 1, 1))
    assert rec.nation == "维吾尔" and rec.sex == "女"
    assert rec.to_json(reveal=True)["valid_until"] == "长期"


def test_x_check_digit() -> None:
    rec = record_of("resident_x")
    assert rec.id_number.endswith("X") and rec.id_number_valid


def test_hk_macao_taiwan_residence_permit() -> None:
    rec = record_of("hk_resident")
    assert rec.card_type == "hk_mo_tw_residence" and rec.id_number.startswith("810000")
    assert (rec.pass_number, rec.issue_count) == ("H01234567", "02")
    assert rec.nation == "" and rec.to_json()["nation"] is None and rec.id_number_valid


def test_foreigner_2017_card() -> None:
    rec = record_of("foreigner")
    assert rec.card_type == "foreign_permanent"
    assert (rec.name, rec.english_name, rec.nation_code, rec.nation) == ("史密斯", "SMITH, JOHN WILLIAM", "USA", "美国")
    assert len(rec.id_number) == 15 and rec.id_number_valid and rec.card_version == "02"
    assert rec.birth_date == date(1985, 4, 15) and rec.issuer == "1500"
    assert rec.to_json()["address"] is None


def test_foreigner_2023_card() -> None:
    rec = record_of("foreigner_2023")
    assert rec.card_type == "foreign_permanent" and rec.id_number.startswith("9") and rec.id_number_valid
    assert (rec.english_name, rec.nation) == ("GARCIA LOPEZ, MARIA", "西班牙")


def test_foreign_name_falls_back_to_english() -> None:
    fields = dict(IDENTITIES["foreigner"].fields, name="")
    rec = parse_record(build_text("I", fields), bytes(PHOTO_LEN))
    assert rec.name == "SMITH, JOHN WILLIAM"


def test_type_letters_and_layout_offsets() -> None:
    assert type_letter(IDENTITIES["resident"].text_block()) == ""
    for key, letter in (("hk_resident", "J"), ("foreigner", "I"), ("foreigner_2023", "Y")):
        block = IDENTITIES[key].text_block()
        assert len(block) == TEXT_LEN and block[248:250] == letter.encode("utf-16-le")
    tampered = bytearray(IDENTITIES["resident"].text_block())
    tampered[248:250] = "Q".encode("utf-16-le")
    with pytest.raises(UnsupportedCardType) as info:
        split_fields(bytes(tampered))
    assert info.value.code == "id_card.record.card_type"


@pytest.mark.parametrize(("field", "value"), [
    ("birth", "19901301"), ("birth", "1990030"), ("valid_until", "永久"), ("sex", "5"), ("nation", "57"),
    ("name", ""), ("id_number", ""), ("valid_from", "2015061X"),
])
def test_bad_fields_are_typed_errors(field: str, value: str) -> None:
    fields = dict(IDENTITIES["resident"].fields, **{field: value})
    with pytest.raises(RecordParseError):
        parse_record(build_text("", fields), bytes(PHOTO_LEN))


def test_wrong_sizes_are_typed_errors() -> None:
    block = IDENTITIES["resident"].text_block()
    with pytest.raises(RecordParseError):
        parse_record(block[:-2], bytes(PHOTO_LEN))
    with pytest.raises(RecordParseError):
        parse_record(block, bytes(PHOTO_LEN - 1))
    with pytest.raises(RecordParseError):
        parse_record(b"\x00\xd8" * 128, bytes(PHOTO_LEN))  # lone surrogates: not UCS-2 text
    with pytest.raises(RecordParseError):
        split_read_answer(b"\x01\x00\x04\x00" + block, with_fingerprint=False)


def test_read_answer_with_fingerprint() -> None:
    ident = IDENTITIES["resident"]
    fp = ident.fingerprint()
    data = b"\x01\x00\x04\x00\x04\x00" + ident.text_block() + ident.photo() + fp
    rec = split_read_answer(data, with_fingerprint=True)
    assert rec.fingerprint == fp and rec.photo_wlt == ident.photo()


def test_code_tables() -> None:
    assert len(NATIONS) == 58 and NATIONS["56"] == "基诺" and NATIONS["97"] == "其他"
    assert NATIONS["98"] == "外国血统中国籍人士" and all(f"{i:02d}" in NATIONS for i in range(1, 57))
    assert SEXES == {"0": "未知", "1": "男", "2": "女", "9": "未说明"}


def test_check_digits() -> None:
    assert gb11643_check_char("11010519491231002") == "X"
    assert gb11643_valid("11010519491231002X") and gb11643_valid("11010519491231002x")
    assert not gb11643_valid("110105194912310021") and not gb11643_valid("1101051949123100")
    assert not gb11643_valid("１１０１０５１９４９１２３１００２X")  # full-width digits
    assert mrz_check_char("L898902C3") == "6"  # ICAO 9303 specimen passport number
    assert foreign_permanent_valid(IDENTITIES["foreigner"].fields["id_number"])
    assert not foreign_permanent_valid("USA110085041519") and not foreign_permanent_valid("110101199003071233")


def test_personal_fields_stay_out_of_repr() -> None:
    rec = record_of("resident")
    text = repr(rec) + str(rec)
    for secret in (rec.name, rec.id_number, rec.address, "1990"):
        assert secret not in text


def test_to_json_keys_and_masks() -> None:
    rec = record_of("resident")
    masked, revealed = rec.to_json(reveal=False), rec.to_json(reveal=True)
    assert tuple(masked) == JSON_KEYS and tuple(revealed) == JSON_KEYS
    assert masked["id_number"] == "110101********" + rec.id_number[-4:] and masked["name"] == "张*"
    assert masked["address"] == mask_address(rec.address) and rec.address not in str(masked)
    assert revealed["id_number"] == rec.id_number and revealed["name"] == "张伟"
    assert masked["birth_date"] == "1990-03-07" and masked["sex"] == "男" and masked["nation"] == "汉"
    assert masked["id_number_valid"] is True and masked["card_type"] == "resident"


@pytest.mark.parametrize("key", sorted(IDENTITIES))
def test_every_card_type_hides_the_birth_date_in_the_technician_json(key: str) -> None:
    rec = record_of(key)
    shown = str(rec.to_json(reveal=False)["id_number"])
    kept = 4 if len(rec.id_number) == 18 else 3
    assert len(shown) == len(rec.id_number) and shown != rec.id_number
    assert shown[:6] == rec.id_number[:6] and shown[-kept:] == rec.id_number[-kept:]
    assert set(shown[6:-kept]) == {"*"}


def test_record_is_frozen() -> None:
    rec = record_of("resident")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.name = "x"  # type: ignore[misc]


@settings(max_examples=500, deadline=None)
@given(st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN), st.sampled_from(["", "I", "J", "Y", "\x00"]))
def test_any_text_block_gives_a_record_or_a_typed_error(block: bytes, letter: str) -> None:
    block = block[:248] + letter.ljust(1).encode("utf-16-le") + block[250:]
    try:
        rec = parse_record(block, bytes(PHOTO_LEN))
    except ProtocolError as exc:
        assert isinstance(exc, RecordParseError)
        return
    assert set(rec.to_json(reveal=False)) == set(JSON_KEYS)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.booleans())
def test_any_read_answer_gives_a_record_or_a_typed_error(data: bytes, fingerprint: bool) -> None:
    try:
        split_read_answer(data, with_fingerprint=fingerprint)
    except RecordParseError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(NATIONS)), st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=15))
def test_valid_blocks_round_trip(nation: str, born: date, name: str) -> None:
    fields = dict(IDENTITIES["resident"].fields, nation=nation, birth=born.strftime("%Y%m%d"), name=name)
    rec = parse_record(build_text("", fields), bytes(PHOTO_LEN))
    assert (rec.name, rec.nation, rec.birth_date) == (name, NATIONS[nation], born)
