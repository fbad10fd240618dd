"""The standard form (an item that names none asks this) and the legal person's fixed block."""

from __future__ import annotations

from typing import Any

from hall.forms.definition import Field, FormDefinition, Option, Text, parse_form

STANDARD_FORM = FormDefinition(fields=(
    Field("name", Text("申请人", "Applicant"), type="text", required=False, prefill="name", locked=True),
    Field("id", Text("身份证号", "ID number"), type="id_number", required=False, prefill="id_number", locked=True),
    Field("phone", Text("联系电话", "Mobile phone"), type="mobile", max_len=11),
    Field("delivery", Text("结果领取方式", "How to receive the result"), type="choice", options=(
        Option("hall", Text("大厅窗口领取", "Collect at the hall")),
        Option("mail", Text("免费邮寄", "Free delivery by post")),
        Option("online", Text("电子证照", "Electronic licence")))),
    # by post the result needs an address: the one on the ID card, shown for the citizen to confirm
    Field("address", Text("收件地址", "Delivery address"), type="address", prefill="address",
          when=("delivery", "mail")),
))

# What every legal person's application carries, before the item's own fields: the company is named by
# its credit code, and its name and legal representative come from its business licence when found.
LEGAL_PERSON_FIELDS = (
    Field("credit_code", Text("统一社会信用代码", "Unified social credit code"), type="credit_code",
          applicant="legal_person"),
    Field("company_name", Text("企业名称", "Company name"), type="text", prefill="company_name", max_len=100,
          applicant="legal_person"),
    Field("legal_representative", Text("法定代表人", "Legal representative"), type="text",
          prefill="legal_representative", max_len=50, applicant="legal_person"),
)
LEGAL_PERSON_KEYS = frozenset(f.key for f in LEGAL_PERSON_FIELDS)


def form_or_standard(raw: Any) -> FormDefinition:
    """An item's stored ``form`` JSON, or the standard form when it has none."""
    return STANDARD_FORM if raw is None else parse_form(raw)
