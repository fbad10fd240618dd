"""What the kiosk prints: ticket, submission receipt and the one-time notice (一次性告知).

The layouts themselves are described once in ``devices.printer.layouts`` (the same Document
renders to ESC/POS and to a PNG preview); this module only fills them in the citizen's language.
Only masked identity values ever reach paper.
"""

from __future__ import annotations

from datetime import datetime

from devices.printer import layouts
from devices.printer.document import Document, Qr, Text
from kiosk.flows.ports import Category, Material, Receipt, ServiceItem, Ticket
from kiosk.i18n import tr


def _name(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh_CN" else (en or zh)


def _lang(lang: str) -> str:
    return lang if lang in layouts.LABELS else "zh_CN"


def ticket_document(ticket: Ticket, category: Category | None, *, lang: str, hall: str,
                    issued: datetime, appointment: bool = False) -> Document:
    """The queue ticket: big number, category, people ahead, estimated wait, follow-on-phone QR."""
    cat = _name(lang, category.name_zh, category.name_en) if category else ticket.category
    notes = []
    if appointment:
        notes.append(tr(lang, "print.ticket.appointment"))
    if ticket.offline:
        notes.append(tr(lang, "print.ticket.offline"))
    info = layouts.TicketInfo(number=ticket.number, category=cat, people_ahead=ticket.waiting_ahead,
                              estimated_wait_min=max(1, round(ticket.estimated_wait_s / 60)), issued_at=issued,
                              follow_url=ticket.follow_url or ticket.number, hall_name=hall,
                              priority=" · ".join(notes))
    doc = layouts.ticket(info, lang=_lang(lang))
    if ticket.follow_url:
        return doc
    # an offline ticket has no page to follow yet: leave out the QR and its caption
    follow = layouts.LABELS[_lang(lang)]["follow"]
    return Document(doc.kind, tuple(e for e in doc.elements
                                    if not isinstance(e, Qr) and not (isinstance(e, Text) and e.text == follow)))


def _materials(lang: str, items: list[Material]) -> tuple[layouts.Material, ...]:
    return tuple(layouts.Material(_name(lang, m.name_zh, m.name_en),
                                  f"{tr(lang, 'material.original' if m.original else 'material.copy')} × {m.count}")
                 for m in items)


def receipt_document(receipt: Receipt, item: ServiceItem, *, lang: str, hall: str, masked_id: str,
                     received: list[Material], missing: list[Material], waived: list[Material]) -> Document:
    """The submission receipt: registration code (text + QR), item, masked ID, materials, dates."""
    info = layouts.ReceiptInfo(
        registration_code=receipt.registration_code, item_name=_name(lang, item.name_zh, item.name_en),
        id_number=masked_id, accepted_at=receipt.submitted_at,
        promised_date=receipt.promised_date or receipt.submitted_at.date(), hall_name=hall,
        received=_materials(lang, received), missing=_materials(lang, [*missing, *waived]),
        missing_deadline=receipt.missing_due)
    return layouts.receipt(info, lang=_lang(lang))


def notice_document(item: ServiceItem, missing: list[Material], *, lang: str, hall: str,
                    issued: datetime) -> Document:
    """一次性告知: everything still missing for the item, once, on paper."""
    info = layouts.NoticeInfo(item_name=_name(lang, item.name_zh, item.name_en), missing=_materials(lang, missing),
                              issued_at=issued, hall_name=hall)
    return layouts.notice(info, lang=_lang(lang))
