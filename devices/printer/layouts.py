"""The hall's printed layouts, described once as data: ticket, receipt, one-time notice (一次性告知).

Each builder takes a frozen value type and returns a :class:`Document`; printed words come from
the ``LABELS`` translation table (zh_CN first, en second). Times are shown in Asia/Shanghai.
Personal fields stay out of ``repr``; the receipt prints only a masked ID number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from config.privacy import mask_id_number
from devices.printer.document import Align, Cut, Document, Element, Feed, Qr, Separator, Text

HALL_TZ = ZoneInfo("Asia/Shanghai")

LABELS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "ticket_title": "排队取号凭条", "ahead": "前面等待：{n} 人", "wait": "预计等待：约 {n} 分钟",
        "issued": "取号时间：{t}", "follow": "扫码查看排队进度", "ticket_hint": "请留意叫号，过号请重新取号",
        "receipt_title": "受理回执", "code": "登记编码：{v}", "item": "办理事项：{v}", "id": "证件号码：{v}",
        "accepted": "受理时间：{t}", "received": "已收材料：", "none": "（无）", "complete": "材料齐全",
        "missing": "待补材料（请于 {d} 前补齐）：", "missing_nodate": "待补材料：",
        "promised": "承诺办结日期：{d}", "query": "扫码查询办件进度",
        "notice_title": "一次性告知书", "notice_intro": "您申请办理的事项尚缺以下材料，现一次性告知：",
        "notice_deadline": "请于 {d} 前补齐材料。", "notice_outro": "材料补齐后可到任一综合窗口办理。",
        "phone": "咨询电话：{v}", "told": "告知时间：{t}",
        "appointment": "预约优先", "offline": "离线取号，同样有效",
        "no_estimate": "网络中断：暂无排队人数和等候时间，请留意叫号屏",
        "wait_unknown": "暂无法估计等候时间：办理窗口尚未开放",
        "original": "原件 {n} 份", "copy": "复印件 {n} 份",
    },
    "en": {
        "ticket_title": "Queue ticket", "ahead": "Waiting ahead: {n}", "wait": "Estimated wait: {n} min",
        "issued": "Issued: {t}", "follow": "Scan to follow the queue", "ticket_hint": "Please listen for your number",
        "receipt_title": "Receipt", "code": "Registration code: {v}", "item": "Service: {v}", "id": "ID: {v}",
        "accepted": "Accepted: {t}", "received": "Materials received:", "none": "(none)",
        "complete": "All materials received", "missing": "Missing (bring by {d}):", "missing_nodate": "Missing:",
        "promised": "Promised completion: {d}", "query": "Scan to check progress",
        "notice_title": "One-time notice", "notice_intro": "Your application still needs these materials:",
        "notice_deadline": "Please bring them by {d}.", "notice_outro": "Then go to any comprehensive window.",
        "phone": "Enquiries: {v}", "told": "Issued: {t}",
        "appointment": "Appointment priority", "offline": "Issued offline, equally valid",
        "no_estimate": "Offline: no queue position or wait time yet; please watch the calling screen",
        "wait_unknown": "Wait not known yet: no window for this line is open",
        "original": "original × {n}", "copy": "copy × {n}",
    },
}


def _labels(lang: str) -> dict[str, str]:
    try:
        return LABELS[lang]
    except KeyError:
        raise ValueError(f"no printed labels for language {lang!r}; expected one of {sorted(LABELS)}") from None


def _time(at: datetime) -> str:
    local = at.astimezone(HALL_TZ) if at.tzinfo else at
    return local.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class TicketInfo:
    number: str
    category: str
    people_ahead: int
    estimated_wait_min: int | None  # None: no open window serves the line, the wait is unknown
    issued_at: datetime
    follow_url: str  # "" (an offline ticket has no page to follow yet): no QR and no caption
    hall_name: str
    priority: str = ""  # e.g. 长者优先: printed under the category when set
    appointment: bool = False  # checked in for a booking: 预约优先 under the category
    offline: bool = False  # issued while the hall server was unreachable: 离线取号，同样有效


@dataclass(frozen=True, slots=True)
class Material:
    name: str
    note: str = ""  # e.g. 原件 1 份 / 复印件 2 份

    @classmethod
    def counted(cls, name: str, *, original: bool, count: int = 1, lang: str = "zh_CN") -> Material:
        """A material with the printed note "原件 1 份" / "复印件 2 份" in ``lang``."""
        return cls(name, _labels(lang)["original" if original else "copy"].format(n=count))


@dataclass(frozen=True, slots=True)
class ReceiptInfo:
    registration_code: str
    item_name: str
    id_number: str = field(repr=False)
    accepted_at: datetime
    promised_date: date
    hall_name: str
    received: tuple[Material, ...] = ()
    missing: tuple[Material, ...] = ()
    missing_deadline: date | None = None


@dataclass(frozen=True, slots=True)
class NoticeInfo:
    item_name: str
    missing: tuple[Material, ...]
    issued_at: datetime
    hall_name: str
    deadline: date | None = None
    registration_code: str = ""
    phone: str = ""


def _header(hall: str, title: str) -> list[Element]:
    return [Text(hall, bold=True, align=Align.CENTER), Text(title, width=2, height=2, bold=True, align=Align.CENTER),
            Separator()]


def _materials(items: tuple[Material, ...], none: str) -> list[Element]:
    if not items:
        return [Text(none)]
    return [Text(f"{i}. {m.name}" + (f"（{m.note}）" if m.note else "")) for i, m in enumerate(items, 1)]


def ticket(info: TicketInfo, *, lang: str = "zh_CN") -> Document:
    t = _labels(lang)
    els: list[Element] = [Text(info.hall_name, bold=True, align=Align.CENTER),
                          Text(t["ticket_title"], align=Align.CENTER), Separator(),
                          Text(info.number, width=4, height=4, bold=True, align=Align.CENTER),
                          Text(info.category, width=2, height=2, align=Align.CENTER)]
    notes = [info.priority, t["appointment"] if info.appointment else "", t["offline"] if info.offline else ""]
    if any(notes):
        els.append(Text(" · ".join(n for n in notes if n), bold=True, align=Align.CENTER))
    # offline nobody knows the queue: no invented position or wait, and the ticket says why
    queue = [Text(t["no_estimate"])] if info.offline else [
        Text(t["ahead"].format(n=info.people_ahead)),
        Text(t["wait_unknown"] if info.estimated_wait_min is None else t["wait"].format(n=info.estimated_wait_min))]
    els += [Separator(), *queue, Text(t["issued"].format(t=_time(info.issued_at)))]
    if info.follow_url:
        els += [Qr(info.follow_url, module=5), Text(t["follow"], align=Align.CENTER)]
    els += [Text(t["ticket_hint"], align=Align.CENTER), Feed(2), Cut()]
    return Document("ticket", tuple(els))


def receipt(info: ReceiptInfo, *, lang: str = "zh_CN") -> Document:
    t = _labels(lang)
    els = _header(info.hall_name, t["receipt_title"])
    els += [Text(t["code"].format(v=info.registration_code), bold=True), Text(t["item"].format(v=info.item_name)),
            Text(t["id"].format(v=mask_id_number(info.id_number))),
            Text(t["accepted"].format(t=_time(info.accepted_at))),
            Separator(), Text(t["received"], bold=True), *_materials(info.received, t["none"])]
    if info.missing:
        head = (t["missing"].format(d=info.missing_deadline.isoformat()) if info.missing_deadline
                else t["missing_nodate"])
        els += [Separator(), Text(head, bold=True), *_materials(info.missing, t["none"])]
    else:
        els += [Text(t["complete"])]
    els += [Separator(), Text(t["promised"].format(d=info.promised_date.isoformat()), bold=True),
            Qr(info.registration_code, module=6), Text(info.registration_code, align=Align.CENTER),
            Text(t["query"], align=Align.CENTER), Feed(2), Cut()]
    return Document("receipt", tuple(els))


def notice(info: NoticeInfo, *, lang: str = "zh_CN") -> Document:
    """一次性告知: everything that is missing, on one slip."""
    t = _labels(lang)
    els = _header(info.hall_name, t["notice_title"])
    els += [Text(t["item"].format(v=info.item_name)), Text(t["told"].format(t=_time(info.issued_at)))]
    if info.registration_code:
        els.append(Text(t["code"].format(v=info.registration_code)))
    els += [Separator(), Text(t["notice_intro"], bold=True), *_materials(info.missing, t["none"]), Separator()]
    if info.deadline:
        els.append(Text(t["notice_deadline"].format(d=info.deadline.isoformat())))
    els.append(Text(t["notice_outro"]))
    if info.phone:
        els.append(Text(t["phone"].format(v=info.phone)))
    if info.registration_code:
        els += [Qr(info.registration_code, module=5), Text(t["query"], align=Align.CENTER)]
    els += [Feed(2), Cut()]
    return Document("notice", tuple(els))
