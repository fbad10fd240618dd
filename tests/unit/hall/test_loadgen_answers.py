"""The load generator answers every demo item's form as a kiosk would, so its submissions are not refused."""

from __future__ import annotations

from random import Random

from hall.forms import form_or_standard, validate
from hall.loadgen.answers import answers
from hall.server.seed import demo_data


def test_every_demo_items_form_is_answered_validly() -> None:
    rng = Random(7)
    for item in demo_data()["items"]:
        for _ in range(5):  # choices are drawn at random: conditional fields come and go
            values = answers(item.get("form"), rng)
            assert values is not None, item["code"]
            assert validate(form_or_standard(item.get("form")), values) == [], (item["code"], values)


def test_a_form_it_cannot_answer_blindly_is_skipped() -> None:
    form = {"fields": [{"key": "licence_no", "label": "许可证编号", "pattern": "[A-Z]{2}\\d{6}"}]}
    assert answers(form, Random(1)) is None
    assert answers({"fields": "not a list"}, Random(1)) is None
