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


# The labels of the kiosk's standard application form (kiosk/adapters/hall.py STANDARD_FORM), for an item whose
# definition names no form of its own; an item's ``form`` (``[{"key", "label_zh"}]``) wins.
STANDARD_LABELS = {"name": "申请人", "id": "身份证号", "id_number": "身份证号", "phone": "联系电话",
                   "mobile": "联系电话", "delivery": "结果领取方式", "address": "收件地址"}
DELIVERY_ZH = {"hall": "大厅窗口领取", "mail": "邮寄送达", "online": "网上下载"}
_MASKS = {"name": mask_name, "id": mask_id_number, "id_number": mask_id_number, "phone": mask_phone,
          "mobile": mask_phone, "address": mask_address}


def form_row(key: str, value: Any, labels: dict[str, Any]) -> tuple[str, str]:
    """``(label, shown value)``: the field's label, never its key; personal values masked like the name."""
    label = str(labels.get(key) or STANDARD_LABELS.get(key) or key)
    text = str(value if value is not None else "")
    mask = _MASKS.get(key)
    if mask is not None:
        return label, mask(text) if text else ""
    if key == "delivery":
        return label, DELIVERY_ZH.get(text, redact(text))
    return label, redact(text)


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
    form = [form_row(str(k), v, labels) for k, v in form_raw.items()] if isinstance(form_raw, dict) else []
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
                          deadline=data.get("deadline") if isinstance(data.get("deadline"), str) else None,
                          working_days_left=_int_or_none(data.get("working_days_left")),
                          promised_due=str(data.get("promised_due") or data.get("legal_due") or ""))


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
