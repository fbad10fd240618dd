"""The clerk's per-material review of a submission at the counter: accepted / missing with a note.

Materials marked missing join the case's missing list (一次性告知: the citizen hears everything at once,
the pre-review's findings and the counter's), and a status change made with the review (e.g. 补正)
enters the status history with that complete list as its note.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hall.server.catalogue.models import ServiceItem
from hall.server.core.context import HallContext, Tx
from hall.server.submissions import service as svc
from hall.server.submissions.errors import MaterialUnknown
from hall.server.submissions.models import SubmissionMaterial
from hall.server.submissions.schemas import SubmissionDetailOut, VerdictIn
from hall.server.submissions.views import detail, material_names

COUNTER = "counter"  # "source" of the missing entries the clerk's review adds


def _missing_entry(m: SubmissionMaterial, names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    zh, en = names.get(m.requirement, (m.requirement, m.requirement))
    note = (m.note or "").strip()
    return {"requirement": m.requirement, "name": zh, "problem": "rejected_at_counter", "waivable": False,
            "zh": f"{zh}：窗口核验未通过" + (f"（{note}）" if note else ""),
            "en": f"{en or m.requirement}: not accepted at the counter" + (f" ({note})" if note else ""),
            "source": COUNTER, "material_id": m.id}


def review(hall: HallContext, tx: Tx, code: str, verdicts: list[VerdictIn], *, actor: str,
           status: str | None = None, note: str = "") -> SubmissionDetailOut:
    """Apply ``verdicts``, rebuild the missing list, optionally change the status; the clerk's detail view.
    Raises SubmissionNotFound, MaterialUnknown and the domain's InvalidTransition."""
    s, now = tx.session, datetime.now(UTC)
    sub = svc.find(s, code)
    mats = {m.id: m for m in s.scalars(select(SubmissionMaterial).where(
        SubmissionMaterial.submission_id == sub.id).order_by(SubmissionMaterial.id))}
    for v in verdicts:
        m = mats.get(v.id)
        if m is None:
            raise MaterialUnknown()
        m.verdict, m.note = v.verdict, v.note.strip() or None
        m.reviewed_by, m.reviewed_at = actor, now
    names = material_names(s.get(ServiceItem, sub.item_code))
    earlier = [e for e in sub.missing or [] if e.get("source") != COUNTER]
    known = {e.get("requirement") for e in earlier}
    counter = [_missing_entry(m, names) for m in mats.values() if m.verdict == "missing"
               and m.requirement not in known]
    sub.missing, sub.updated_at = [*earlier, *counter], now
    s.flush()
    if status is not None:
        if not note and status == "supplement_required" and sub.missing:
            note = "需补正材料：" + "、".join(str(e.get("name") or e.get("requirement")) for e in sub.missing)
        svc.change_status(hall, tx, code, status=status, actor=actor, note=note)
    tx.emit("submission.reviewed", {"id": sub.id, "code": sub.code, "missing": len(sub.missing),
                                    "accepted": sum(1 for m in mats.values() if m.verdict == "accepted")})
    return detail(s, sub, hall.keyring.decrypt(sub.personal_enc))
