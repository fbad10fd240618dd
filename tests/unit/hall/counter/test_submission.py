"""The clerk's view of a kiosk submission: masking, names, missing list, next statuses, marks on their way."""

from __future__ import annotations

from typing import Any

from hall.counter.submission import Review, submission_view

DETAIL: dict[str, Any] = {
    "id": 7, "code": "202611220001389R0", "item_code": "D-001", "item_name": "不动产转移登记",
    "status": "supplement_required", "applicant_id_masked": "110101********1233",
    "applicant": {"name": "张三", "id_masked": "110101********1233", "form": {"phone": "13800000000",
                                                                            "note": "ID 110101199003071233"}},
    "missing": [{"requirement": "tax", "name": "完税凭证"}],
    "materials": [{"id": 1, "requirement": "sale_contract", "kind": "file", "sha256": "ab" * 32,
                   "content_type": "image/png", "verdict": "pending"},
                  {"id": 2, "requirement": "id_card", "kind": "elicense", "sha256": None, "content_type": None}],
    "requirement_names": {"sale_contract": "存量房买卖合同", "id_card": "居民身份证"},
}


def test_view_masks_and_names() -> None:
    view = submission_view(DETAIL)
    assert view.applicant_name == "张*" and view.applicant_id == "110101********1233"
    assert dict(view.form)["note"] == "ID 110101********1233"  # an ID number in a form field is masked
    assert dict(view.form)["联系电话"] == "138****0000"  # the phone is masked like the name, under its label
    assert [m.requirement for m in view.materials] == ["存量房买卖合同", "居民身份证"]
    assert view.materials[0].is_image and not view.materials[1].is_image
    assert view.missing == ["完税凭证"]
    assert view.next_status == ("submitted", "accepted", "in_review", "rejected")
    assert "张三" not in repr(view)


def test_review_collects_everything_missing_once() -> None:
    review = Review(submission_view(DETAIL))
    review.mark(1, "missing")
    review.mark(1, "missing")
    assert review.missing() == ["完税凭证", "存量房买卖合同"]
    review.mark(1, "accepted")
    review.mark(1, "bogus")
    assert review.missing() == ["完税凭证"]


def test_a_mark_on_its_way_overrides_the_servers_missing_entry() -> None:
    detail = {**DETAIL, "missing": [*DETAIL["missing"], {"requirement": "sale_contract", "name": "存量房买卖合同",
                                                         "source": "counter"}]}
    detail["materials"] = [{**DETAIL["materials"][0], "verdict": "missing", "note": "缺页"}, DETAIL["materials"][1]]
    review = Review(submission_view(detail))
    assert review.missing() == ["完税凭证", "存量房买卖合同"] and review.view.materials[0].note == "缺页"
    review.mark(1, "accepted")  # clicked, the server has not answered yet
    assert review.missing() == ["完税凭证"]


def test_garbage_tolerated() -> None:
    view = submission_view({"id": 1, "materials": ["x", {"id": "no"}], "missing": ["a"], "applicant": "bad"})
    assert view.materials[0].id is None and view.missing == ["a"] and view.applicant_name == ""


def test_an_id_that_arrives_half_masked_is_masked_again() -> None:
    # A stray star used to let the value through as it came; now the one mask decides what shows.
    applicant = {"name": "张*", "id_masked": "110101199003*71233"}
    view = submission_view({**DETAIL, "applicant": applicant})
    assert view.applicant_id == "110101********1233" and view.applicant_name == "张*"


def test_form_fields_are_labelled_from_the_item_and_personal_values_masked() -> None:
    detail = {**DETAIL, "form_labels": {"seller_id": "卖方身份证号", "delivery": "领取方式"},
              "applicant": {"name": "张三", "form": {"seller_id": "110101199003071233", "phone": "010-6512 3456",
                                                     "delivery": "mail", "address": "北京市东城区景山前街4号",
                                                     "remark": "加急"}}}
    form = dict(submission_view(detail).form)
    assert form["卖方身份证号"] == "110101********1233"  # the item's own label; the ID masked
    assert form["联系电话"] == "*******3456"  # a landline too: only the last four
    assert form["领取方式"] == "邮寄送达" and form["收件地址"].startswith("北京市") and "4号" not in form["收件地址"]
    assert form["remark"] == "加急"  # a key nobody labelled is shown as it is
    assert not any(k in form for k in ("seller_id", "phone", "delivery", "address"))


COMPANY_FIELDS = [
    {"key": "applicant_type", "label_zh": "申请人类型", "type": "choice",
     "options": {"person": "个人", "legal_person": "企业/单位"}},
    {"key": "credit_code", "label_zh": "统一社会信用代码", "type": "credit_code", "options": {}},
    {"key": "company_name", "label_zh": "企业名称", "type": "text", "options": {}},
    {"key": "legal_representative", "label_zh": "法定代表人", "type": "text", "options": {}},
    {"key": "phone", "label_zh": "联系电话", "type": "mobile", "options": {}},
    {"key": "business_kind", "label_zh": "经营项目", "type": "choice",
     "options": {"retail": "食品销售", "canteen": "单位食堂"}},
    {"key": "premises", "label_zh": "经营场所", "type": "address", "options": {}},
]


def test_a_legal_persons_answers_are_labelled_by_the_items_form_company_block_first() -> None:
    answers = {"phone": "13900000000", "business_kind": "canteen", "premises": "上海市浦东新区某路8号",
               "legal_representative": "李示例", "company_name": "上海浦东示例餐饮管理有限公司",
               "credit_code": "91310115MA1H3T6R23", "applicant_type": "legal_person", "old_field": "旧版"}
    detail = {**DETAIL, "form_fields": COMPANY_FIELDS,
              "applicant": {"name": "张三", "id_masked": "110101********1233", "form": answers,
                            "applicant_type": "legal_person", "credit_code": "91310115MA1H3T6R23",
                            "form_problems": [{"field": "area", "code": "form.required", "message_zh": "请填写此项"}]}}
    view = submission_view(detail)
    assert view.is_company
    assert view.form[:4] == [("申请人类型", "企业/单位"), ("统一社会信用代码", "91310115MA1H3T6R23"),
                             ("企业名称", "上海浦东示例餐饮管理有限公司"), ("法定代表人", "李**")]
    rest = dict(view.form[4:])
    assert rest["经营项目"] == "单位食堂"  # the option's label, not its value
    assert rest["联系电话"] == "139****0000" and "8号" not in rest["经营场所"]  # masked by the field's type
    assert list(rest)[-1] == "old_field"  # an answer the form no longer names comes last, as it is
    assert view.form_problems == ["area：请填写此项"]
    assert "李示例" not in repr(view)


def test_an_item_open_to_both_shows_a_person_as_such() -> None:
    detail = {**DETAIL, "form_fields": COMPANY_FIELDS,
              "applicant": {"name": "张三", "form": {"phone": "13900000000", "business_kind": "retail"}}}
    view = submission_view(detail)
    assert not view.is_company and view.form[0] == ("申请人类型", "个人")
