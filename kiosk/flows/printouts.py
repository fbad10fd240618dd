"""What the kiosk prints: ticket, submission receipt and the one-time notice (一次性告知).

Built once as ``devices.printer`` Documents (the same value renders to ESC/POS and to a PNG
preview), in the citizen's language. Only masked identity values ever reach paper.
"""

from __future__ import annotations

from datetime import datetime

from devices.printer.document import Align, Cut, Document, Feed, Qr, Separator, Text
from kiosk.flows.ports import Category, Material, Receipt, ServiceItem, Ticket
from kiosk.i18n import tr


def _name(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh_CN" else en


def ticket_document(ticket: Ticket, category: Category | None, *, lang: str, hall: str,
                    issued: datetime, appointment: bool = False) -> Document:
    """The queue ticket: big number, category, people ahead, estimated wait, follow-on-phone QR."""
    cat = _name(lang, category.name_zh, category.name_en) if category else ticket.category
    els: list = [
        Text(hall, bold=True, align=Align.CENTER),
        Text(tr(lang, "print.ticket.title"), align=Align.CENTER),
        Separator(),
        Text(ticket.number, width=4, height=4, bold=True, align=Align.CENTER),
        Text(cat, width=2, height=2, align=Align.CENTER),
    ]
    if appointment:
        els.append(Text(tr(lang, "print.ticket.appointment"), bold=True, align=Align.CENTER))
    els += [
        Text(tr(lang, "print.ticket.ahead", count=ticket.waiting_ahead), align=Align.CENTER),
        Text(tr(lang, "print.ticket.wait", minutes=max(1, round(ticket.estimated_wait_s / 60))),
             align=Align.CENTER),
    ]
    if ticket.offline:
        els.append(Text(tr(lang, "print.ticket.offline"), align=Align.CENTER))
    if ticket.follow_url:
        els += [Qr(ticket.follow_url, module=6), Text(tr(lang, "print.ticket.follow"), align=Align.CENTER)]
    els += [Text(issued.strftime("%Y-%m-%d %H:%M"), align=Align.CENTER),
            Text(tr(lang, "print.ticket.keep"), align=Align.CENTER), Feed(2), Cut()]
    return Document("ticket", tuple(els))


def receipt_document(receipt: Receipt, item: ServiceItem, *, lang: str, hall: str, masked_id: str,
                     received: list[Material], missing: list[Material], waived: list[Material]) -> Document:
    """The submission receipt: registration code (text + QR), item, masked ID, materials, dates."""
    els: list = [
        Text(hall, bold=True, align=Align.CENTER),
        Text(tr(lang, "print.receipt.title"), width=2, height=2, bold=True, align=Align.CENTER),
        Separator(),
        Text(tr(lang, "print.receipt.code", code=receipt.registration_code), bold=True),
        Qr(receipt.follow_url or receipt.registration_code, module=5),
        Text(tr(lang, "print.receipt.item", item=_name(lang, item.name_zh, item.name_en))),
        Text(tr(lang, "print.receipt.applicant", id=masked_id)),
        Text(tr(lang, "print.receipt.time", time=receipt.submitted_at.strftime("%Y-%m-%d %H:%M"))),
        Separator(),
        Text(tr(lang, "print.receipt.received"), bold=True),
    ]
    els += [Text(f"  · {_name(lang, m.name_zh, m.name_en)}") for m in received] or \
        [Text(tr(lang, "print.receipt.none"))]
    if missing or waived:
        els.append(Text(tr(lang, "print.receipt.missing"), bold=True))
        els += [Text(f"  · {_name(lang, m.name_zh, m.name_en)}") for m in [*missing, *waived]]
        if receipt.missing_due:
            els.append(Text(tr(lang, "print.receipt.due", date=receipt.missing_due.isoformat())))
    if receipt.promised_date:
        els += [Separator(), Text(tr(lang, "print.receipt.promised", date=receipt.promised_date.isoformat()),
                                  bold=True)]
    if receipt.offline:
        els.append(Text(tr(lang, "print.receipt.offline")))
    els += [Feed(2), Cut()]
    return Document("receipt", tuple(els))


def notice_document(item: ServiceItem, missing: list[Material], *, lang: str, hall: str,
                    issued: datetime) -> Document:
    """一次性告知: everything still missing for the item, once, on paper."""
    els: list = [
        Text(hall, bold=True, align=Align.CENTER),
        Text(tr(lang, "print.notice.title"), width=2, height=2, bold=True, align=Align.CENTER),
        Separator(),
        Text(tr(lang, "print.receipt.item", item=_name(lang, item.name_zh, item.name_en))),
        Text(tr(lang, "print.notice.intro")),
    ]
    for i, m in enumerate(missing, 1):
        kind = tr(lang, "material.original" if m.original else "material.copy")
        els.append(Text(tr(lang, "print.notice.line", i=i, name=_name(lang, m.name_zh, m.name_en), kind=kind,
                           count=m.count)))
    els += [Separator(), Text(tr(lang, "print.notice.footer")), Text(issued.strftime("%Y-%m-%d %H:%M")),
            Feed(2), Cut()]
    return Document("notice", tuple(els))
