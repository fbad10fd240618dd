"""``devices diagnose``'s next steps for the vendor-SDK reader's codes (devices/hints.py): each names the
setting and the value of this terminal, in Chinese and English; the getter words map back to card codes."""

from __future__ import annotations

import pytest

from devices.hints import next_step
from devices.id_card.errors import RecordParseError
from devices.id_card.sdk_termb import _as_card_fields
from devices.id_card.settings import IdCardSettings

CONF = IdCardSettings.model_validate({"driver": "sdk", "options": {
    "library": "/opt/vendor/libtermb.so", "port": 1002, "family": "termb"}})


@pytest.mark.parametrize(("code", "must"), [
    ("id_card.sdk_missing", ("/opt/vendor/libtermb.so", "devices.id_card.options.library")),
    ("id_card.sdk_unloadable", ("ldd /opt/vendor/libtermb.so",)),
    ("id_card.sdk_function", ("nm -D /opt/vendor/libtermb.so", "termb", "devices.id_card.options.functions")),
    ("id_card.sdk_port", ("1002", "1001–1016", "lsusb")),
])
def test_each_sdk_code_has_its_own_next_step(code: str, must: tuple[str, ...]) -> None:
    step = next_step("id_card", code, CONF)
    assert all(m in step["en"] for m in must), step["en"]
    assert step["zh"] and "docs/devices" not in step["en"]  # not the generic fallback


def test_getter_words_become_the_cards_codes() -> None:
    fields = _as_card_fields({"name": "张三", "sex": "女", "nation": "回族", "birth": "1990-01-02",
                              "address": "北京市", "id_number": "11010519491231002X", "issuer": "北京市公安局",
                              "valid_from": "2020.01.02", "valid_until": "长期"})
    assert (fields["sex"], fields["nation"], fields["birth"], fields["valid_from"], fields["valid_until"]) == (
        "2", "03", "19900102", "20200102", "长期")


def test_an_unknown_nation_word_is_a_parse_error() -> None:
    with pytest.raises(RecordParseError, match="nation"):
        _as_card_fields({"name": "x", "sex": "男", "nation": "火星", "birth": "19900101", "address": "",
                         "id_number": "", "issuer": "", "valid_from": "", "valid_until": ""})
