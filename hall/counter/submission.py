"""A kiosk submission as the clerk sees it: masked applicant, item, form, materials, missing list.

Plain data from the server's submission JSON (no Qt). Personal values arrive masked from the
server and are masked again here in case a field slips through unmasked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config.privacy import mask_address, mask_id_number, mask_name, mask_phone, redact

# What a clerk may move a submission to from each status (mirrors the server's rule table; the
# server has the last word and refuses anything else).
NEXT_STATUS: dict[str, tuple[str, ...]] = {
    "submitted": ("accepted", "supplement_required", "rejected"),
    "received": ("accepted", "supplement_required", "rejected"),
    "accepted": ("in_review", "supplement_required"),
    "supplement_required": ("submitted", "accepted", "in_review", "rejected"),
    "in_review": ("approved", "rejected", "supplement_required"),
    "approved": ("result_ready",),
    "rejected": ("result_ready",),
    "result_ready": ("delivered",),
    "delivered": (),
}
STATUS_ZH = {"submitted": "已提交", "received": "已接收", "accepted": "已受理", "supplement_required": "待补正",
             "in_review": "审批中", "approved": "已批准", "rejected": "不予受理/不予批准",
             "result_ready": "待领取", "delivered": "已办结送达"}
VERDICT_ZH = {"accepted": "已确认", "missing": "缺失", "pending": "待核验"}
KIND_ZH = {"file": "上传", "elicense": "电子证照", "waived": "容缺承诺", "commitment_signature": "承诺书签名"}


@dataclass(frozen=True, slots=True)
class Material:
    id: int | None
    requirement: str
    kind: str
    verdict: str
    sha256: str | None
    content_type: str = ""
    note: str = ""

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class SubmissionView:
    id: int
    code: str
    item: str
    status: str
    applicant_id: str
    applicant_name: str
    form: list[tuple[str, str]] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    next_status: tuple[str, ...] = ()
    deadline: str | None = None  # ok / soon / overdue while the time limit runs
    working_days_left: int | None = None
    promised_due: str = ""
    applicant_type: str = "person"  # or legal_person (企业/单位)
    # "label：message" for each answer the server found wrong in an outbox submission (accepted anyway)
    form_problems: list[str] = field(default_factory=list)

    @property
    def is_company(self) -> bool:
        return self.applicant_type == "legal_person"

    @property
    def status_zh(self) -> str:
        return STATUS_ZH.get(self.status, self.status)

    @property
    def deadline_zh(self) -> str:
        """承诺办结 with the working days left, or how far past it; empty when no limit runs."""
        if self.deadline is None or self.working_days_left is None:
            return ""
        left = self.working_days_left
        state = (f"已超期 {-left} 个工作日" if left < 0 else "今日到期" if left == 0 else f"剩 {left} 个工作日")
        return f"承诺办结：{self.promised_due or '—'}（{state}）"


@dataclass
class Review:
    """The clerk's check of one submission at the counter: a verdict per material.

    The server keeps verdicts, the missing list and the status history (POST /submissions/{code}/review);
    ``verdicts`` holds only marks on their way there, so the screen answers the click at once and the
    server's view replaces them when it answers (一次性告知: the missing list is the server's, complete)."""

    view: SubmissionView
    verdicts: dict[int, str] = field(default_factory=dict)

    def mark(self, material_id: int, verdict: str) -> None:
        if verdict in ("accepted", "missing", "pending"):
            self.verdicts[material_id] = verdict

    def verdict(self, m: Material) -> str:
        return self.verdicts.get(m.id, m.verdict) if m.id is not None else m.verdict

    def missing(self) -> list[str]:
        """The server's missing list, with marks still on their way applied, once each."""
        undone = {m.requirement for m in self.view.materials if m.id in self.verdicts and self.verdict(m) != "missing"}
        marked = [m.requirement for m in self.view.materials if self.verdict(m) == "missing"]
        server = [x for x in self.view.missing if x not in undone]
        return list(dict.fromkeys([*server, *marked]))


# Labels for a server that sends no ``form_fields`` (before forms per item): the standard form's; an
# item's own questions (``form_fields``, docs/forms.md) win.
STANDARD_LABELS = {"name": "申请人", "id": "身份证号", "id_number": "身份证号", "phone": "联系电话",
                   "mobile": "联系电话", "delivery": "结果领取方式", "address": "收件地址",
                   "applicant_type": "申请人类型", "credit_code": "统一社会信用代码", "company_name": "企业名称",
                   "legal_representative": "法定代表人"}
DELIVERY_ZH = {"hall": "大厅窗口领取", "mail": "邮寄送达", "online": "网上下载"}
APPLICANT_ZH = {"person": "个人", "legal_person": "企业/单位"}
_MASKS = {"name": mask_name, "id": mask_id_number, "id_number": mask_id_number, "phone": mask_phone,
          "mobile": mask_phone, "address": mask_address, "legal_representative": mask_name}
# An item's own field is masked by its type (its key is the hall's choice).
_TYPE_MASKS = {"id_number": mask_id_number, "mobile": mask_phone, "address": mask_address}
# The applicant type and a legal person's block come first, whatever order the answers arrive in.
_FIRST = ("applicant_type", "credit_code", "company_name", "legal_representative")


def form_row(key: str, value: Any, labels: dict[str, Any], question: dict[str, Any] | None = None
             ) -> tuple[str, str]:
    """``(label, shown value)``: the field's label, never its key; personal values masked like the name.
    ``question`` is the item's field as the server describes it (``form_fields``: label, type, options)."""
    q = question or {}
    label = str(q.get("label_zh") or labels.get(key) or STANDARD_LABELS.get(key) or key)
    text = str(value if value is not None else "")
    mask = _MASKS.get(key) or _TYPE_MASKS.get(str(q.get("type") or ""))
    if mask is not None:
        return label, mask(text) if text else ""
    options = q.get("options")
    if isinstance(options, dict) and text in options:
        return label, redact(str(options[text]))
    if key == "delivery":
        return label, DELIVERY_ZH.get(text, redact(text))
    if key == "applicant_type":
        return label, APPLICANT_ZH.get(text, redact(text))
    return label, redact(text)


def form_rows(answers: dict[str, Any], labels: dict[str, Any], questions: list[Any]) -> list[tuple[str, str]]:
    """The answers as labelled rows: applicant type and company block first, then in the form's order,
    then anything the form does not name (an older version's answer)."""
    by_key = {str(q.get("key")): q for q in questions if isinstance(q, dict)}
    answers = dict(answers)
    if "applicant_type" in by_key and "applicant_type" not in answers:
        answers["applicant_type"] = "person"  # an item open to both: no answer is a person
    order = [*_FIRST, *by_key, *answers]
    keys = [k for k in dict.fromkeys(order) if k in answers]
    return [form_row(k, answers[k], labels, by_key.get(k)) for k in keys]


def _problems(applicant: dict[str, Any], questions: list[Any]) -> list[str]:
    """What the server found wrong with an outbox submission's answers, as "label：message" lines."""
    names = {str(q.get("key")): str(q.get("label_zh") or "") for q in questions if isinstance(q, dict)}
    out = []
    for p in applicant.get("form_problems") or []:
        if isinstance(p, dict):
            key = str(p.get("field") or "")
            out.append(f"{names.get(key) or STANDARD_LABELS.get(key) or key}：{redact(str(p.get('message_zh') or ''))}")
    return out


def submission_view(data: dict[str, Any]) -> SubmissionView:
    """From ``GET /submissions/{id}``; unknown fields are ignored, missing ones left empty."""
    status = str(data.get("status", ""))
    raw_applicant = data.get("applicant")
    applicant: dict[str, Any] = raw_applicant if isinstance(raw_applicant, dict) else {}
    id_masked = str(applicant.get("id_masked") or data.get("applicant_id_masked") or "")
    name = str(applicant.get("name") or data.get("applicant_name_masked") or "")
    form_raw = applicant.get("form") or {}
    raw_labels = data.get("form_labels")
    labels: dict[str, Any] = raw_labels if isinstance(raw_labels, dict) else {}
    raw_questions = data.get("form_fields")
    questions: list[Any] = raw_questions if isinstance(raw_questions, list) else []
    form = form_rows({str(k): v for k, v in form_raw.items()}, labels, questions) if isinstance(form_raw, dict) else []
    applicant_type = str(applicant.get("applicant_type") or (form_raw.get("applicant_type") if isinstance(
        form_raw, dict) else "") or "person")
    raw_names = data.get("requirement_names")
    names: dict[str, Any] = raw_names if isinstance(raw_names, dict) else {}
    materials = []
    for i, m in enumerate(data.get("materials") or []):
        if not isinstance(m, dict):
            continue
        mid = m.get("id")
        materials.append(Material(id=mid if isinstance(mid, int) else None,
                                  requirement=str(names.get(str(m.get("requirement"))) or m.get("name_zh")
                                                  or m.get("requirement") or f"材料{i + 1}"),
                                  kind=str(m.get("kind") or "file"), verdict=str(m.get("verdict") or "pending"),
                                  sha256=m.get("sha256"), content_type=str(m.get("content_type") or ""),
                                  note=redact(str(m.get("note") or ""))))
    missing = [str(x.get("name") or x.get("requirement") or x) if isinstance(x, dict) else str(x)
               for x in data.get("missing") or []]
    nxt = NEXT_STATUS.get(status, ())
    item = str(data.get("item_name") or data.get("item") or data.get("item_code") or "")
    return SubmissionView(id=int(data.get("id", 0)), code=str(data.get("code", "")), item=item, status=status,
                          applicant_id=mask_id_number(id_masked), applicant_name=mask_name(name),
                          form=form, materials=materials, missing=missing, next_status=nxt,
                          applicant_type=applicant_type, form_problems=_problems(applicant, questions),
                          deadline=data.get("deadline") if isinstance(data.get("deadline"), str) else None,
                          working_days_left=_int_or_none(data.get("working_days_left")),
                          promised_due=str(data.get("promised_due") or data.get("legal_due") or ""))


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
