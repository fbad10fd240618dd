"""The domain error tree: stable unique codes, kinds, and bilingual messages."""

from __future__ import annotations

from hall.server.domain import errors


def all_errors() -> list[type[errors.DomainError]]:
    out, todo = [], [errors.DomainError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def test_codes_are_unique_and_kinds_known() -> None:
    import hall.server.app  # noqa: F401 - every package's errors join the tree
    from hall.server.core.http_errors import STATUS

    classes = all_errors()
    codes = [c.code for c in classes if "code" in vars(c)]  # a subclass may keep its parent's code
    assert len(codes) == len(set(codes)) and len(classes) > 15
    assert {c.kind for c in classes} <= errors.KINDS == set(STATUS)
    for c in classes:
        assert c.code.isascii() and c.code == c.code.lower() and " " not in c.code
        assert c.template_zh and c.template_en


def test_messages_fill_and_survive_missing_params() -> None:
    e = errors.CategoryFull(category="A", cap=200)
    assert e.message_zh.startswith("A 类业务今日号源（200 个）已发完")
    assert "200 tickets" in e.message_en and str(e).startswith("category_full:")
    missing = errors.QuotaExceeded()
    assert "{limit}" in missing.message_zh  # visible, not a KeyError
    d = e.to_dict()
    assert d["code"] == "category_full" and d["message"] == e.message_en
    assert d["params"] == {"category": "A", "cap": 200}


def test_params_are_made_json_plain() -> None:
    class Thing:
        def __str__(self) -> str:
            return "thing"

    assert errors.InvalidInput(field=Thing()).to_dict()["params"] == {"field": "thing"}
    assert isinstance(errors.InvalidIdNumber(reason="region"), errors.DomainError)
