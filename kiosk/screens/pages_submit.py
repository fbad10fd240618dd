"""Pages of the self-service submission: catalogue, guide, form, materials, capture, notice,
signature, review and receipt (the face step lives in :mod:`kiosk.screens.face`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.screens.flow_screen import PageEnv, page
from kiosk.screens.pages_basic import CENTER, _name, actions_row
from kiosk.screens.pages_basic import scroll as _scroll
from kiosk.screens.widgets import (
    LetterPad,
    SignaturePad,
    button,
    card,
    image_pixmap,
    qr_pixmap,
    text_label,
    wrap_button,
)


def _material_name(env: PageEnv, m: dict[str, Any]) -> str:
    kind = env.ui.tr("material.original" if m["original"] else "material.copy")
    return f"{_name(env, m['name_zh'], m['name_en'])} · {kind}"


@page("catalogue")
def catalogue_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("catalogue.title")
    env.prompt = env.ui.tr("catalogue.search", query=d["query"]) if d["query"] else env.ui.tr("catalogue.search_hint")
    w = QWidget()
    row: QBoxLayout = QVBoxLayout(w) if env.ui.portrait else QHBoxLayout(w)
    row.setSpacing(28)
    results = QWidget()
    col = QVBoxLayout(results)
    col.setSpacing(12)
    for r in d["results"][:6 if env.ui.elderly else 8]:
        col.addWidget(wrap_button(f"{_name(env, r['name_zh'], r['name_en'])}   {r['code']}",
                                  on_click=partial(env.emit, "item", r["code"])))
    if not d["results"]:
        col.addWidget(text_label(env.ui.tr("catalogue.empty"), "Muted"))
    col.addStretch(1)
    row.addWidget(_scroll(results), 3)
    pad = LetterPad(env.ui, d["query"])
    pad.setObjectName("SearchPad")
    pad.changed.connect(lambda q: env.emit("search", q))
    row.addWidget(pad, 2)
    return w


@page("guide")
def guide_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = f"{env.ui.tr('guide.title')} · {_name(env, d['name_zh'], d['name_en'])}"
    inner = QWidget()
    col = QVBoxLayout(inner)
    col.setSpacing(14)
    cond = _name(env, d["conditions_zh"], d["conditions_en"])
    if cond:
        col.addWidget(text_label(env.ui.tr("guide.conditions"), "Section"))
        col.addWidget(text_label(cond, "Body"))
    col.addWidget(text_label(env.ui.tr("guide.materials"), "Section"))
    for i, m in enumerate(d["materials"], 1):
        col.addWidget(text_label(f"{i}. {_material_name(env, m)} × {m['count']}", "Body"))
    col.addWidget(text_label(env.ui.tr("guide.time_limit", legal=d["legal_days"], promised=d["promised_days"]),
                             "Body"))
    fee = _name(env, d["fee_zh"], d["fee_en"])
    if fee:
        col.addWidget(text_label(env.ui.tr("guide.fee", fee=fee), "Body"))
    col.addStretch(1)
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(_scroll(inner), 1)
    if not d.get("self_service", True):  # a form this kiosk cannot read: the counter takes it
        lay.addWidget(text_label(env.ui.tr("guide.counter_only"), "Warn"))
        lay.addLayout(actions_row(env, [("back_to_catalogue", "action.back", None),
                                        ("counter_ticket", "action.counter_ticket", None)], primary="counter_ticket"))
        return w
    lay.addLayout(actions_row(env, [("back_to_catalogue", "action.back", None), ("start_form", "guide.start", None)],
                              primary="start_form"))
    return w


@page("materials")
def materials_page(view: View, env: PageEnv) -> QWidget:
    env.title = env.ui.tr("materials.title")
    env.prompt = env.ui.tr("materials.prompt")
    inner = QWidget()
    col = QVBoxLayout(inner)
    col.setSpacing(12)
    for m in view.data["rows"]:
        box, line = card(object_name=f"Material_{m['status']}")
        row = QHBoxLayout()
        row.addWidget(text_label(_material_name(env, m), "Headline"), 1)
        row.addWidget(text_label(env.ui.tr(f"materials.status.{m['status']}", pages=m["pages"]), "Status"))
        if m["status"] in ("missing", "captured"):
            row.addWidget(button(env.ui.tr("materials.capture"), role="primary" if m["status"] == "missing"
                                 else "secondary", on_click=partial(env.emit, "capture", m["id"])))
        line.addLayout(row)
        col.addWidget(box)
    col.addStretch(1)
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(_scroll(inner), 1)
    lay.addLayout(actions_row(env, [("materials_next", "action.next", None)], primary="materials_next"))
    return w


@page("capture")
def capture_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("capture.title", name=_material_name(env, d["material"]))
    env.prompt = env.ui.tr("capture.prompt")
    w = QWidget()
    row: QBoxLayout = QVBoxLayout(w) if env.ui.portrait else QHBoxLayout(w)
    preview = QLabel()
    preview.setObjectName("PagePreview")
    preview.setAlignment(CENTER)
    preview.setPixmap(image_pixmap(d["preview"], 760, 560))
    row.addWidget(preview, 3)
    col = QVBoxLayout()
    col.addWidget(text_label(env.ui.tr("capture.pages", pages=d["pages"]), "Headline", align=CENTER))
    col.addWidget(button(env.ui.tr("capture.add_page" if d["pages"] else "capture.shoot"), role="primary",
                         on_click=lambda: env.emit("shoot", None)))
    if d["pages"]:
        col.addWidget(button(env.ui.tr("capture.retake"), on_click=lambda: env.emit("retake", None)))
        col.addWidget(button(env.ui.tr("capture.accept"), role="primary",
                             on_click=lambda: env.emit("accept_pages", None)))
    col.addWidget(button(env.ui.tr("action.back_to_materials"), on_click=lambda: env.emit("back_to_materials", None)))
    col.addStretch(1)
    row.addLayout(col, 2)
    return w


@page("notice")
def notice_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("notice.title")
    env.prompt = env.ui.tr("notice.intro")
    inner = QWidget()
    col = QVBoxLayout(inner)
    for i, m in enumerate(d["missing"], 1):
        col.addWidget(text_label(f"{i}. {_material_name(env, m)} × {m['count']}", "Headline"))
    col.addStretch(1)
    w = QWidget()
    lay = QVBoxLayout(w)
    box, b = card(object_name="Card_warn")
    b.addWidget(inner)
    lay.addWidget(box, 1)
    if d.get("printed"):  # printing the notice keeps the application open
        lay.addWidget(text_label(env.ui.tr(d["printed"]), "Notice" if d["printed"] == "notice.printed" else "Warn"))
    acts = [("back_to_materials", "notice.capture_more", None), ("print_notice", "notice.print", None)]
    if d["can_commit"]:
        acts.append(("commit", "notice.commit", None))
    lay.addLayout(actions_row(env, acts, primary="commit" if d["can_commit"] else "print_notice"))
    return w


@page("signature")
def signature_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("signature.title")
    env.prompt = env.ui.tr("signature.prompt")
    w = QWidget()
    lay = QVBoxLayout(w)
    names = env.ui.tr("list.sep").join(_name(env, m["name_zh"], m["name_en"]) for m in d["missing"])
    lay.addWidget(text_label(env.ui.tr("signature.text", due=d["due"]) + " " + names, "Body"))
    pad = SignaturePad()
    lay.addWidget(pad, 1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button(env.ui.tr("signature.clear"), on_click=pad.clear))
    row.addWidget(button(env.ui.tr("signature.sign"), role="primary", on_click=lambda: env.emit("signed", pad.png())))
    row.addStretch(1)
    lay.addLayout(row)
    w.setProperty("pad", pad)
    return w


@page("review")
def review_page(view: View, env: PageEnv) -> QWidget:
    """Everything that will be submitted: the item, the applicant, every field of the form and every
    material, each with 修改 where the citizen can change it."""
    d = view.data
    env.title = env.ui.tr("review.title")
    env.prompt = env.ui.tr("review.prompt")
    box, col = card()
    col.addWidget(text_label(env.ui.tr("review.item", name=_name(env, d["name_zh"], d["name_en"])), "Headline"))
    col.addWidget(text_label(env.ui.tr("review.applicant", name=d["name"], id=d["masked_id"]), "Body"))
    col.addWidget(text_label(env.ui.tr("review.form"), "Section"))
    company = False
    for f in d.get("fields", []):
        if f["key"] in ("name", "id"):
            continue  # the applicant line above
        if f.get("company") and not company:  # the company block, as the form asked it
            company = True
            col.addWidget(text_label(env.ui.tr("form.company.section"), "Section"))
        line = QHBoxLayout()
        line.addWidget(text_label(env.ui.tr("review.field", label=_name(env, f["label_zh"], f["label_en"]),
                                            value=_name(env, f["value_zh"], f["value_en"])), "Body"), 1)
        if f["editable"]:
            line.addWidget(button(env.ui.tr("form.edit"), on_click=partial(env.emit, "edit_field", f["key"])))
        col.addLayout(line)
    head = QHBoxLayout()
    done = sum(1 for m in d["materials"] if m["status"] in ("captured", "elicense"))
    waived = sum(1 for m in d["materials"] if m["status"] == "waived")
    head.addWidget(text_label(env.ui.tr("review.materials", done=done, waived=waived), "Section"), 1)
    head.addWidget(button(env.ui.tr("form.edit"), on_click=lambda: env.emit("edit_materials", None)))
    col.addLayout(head)
    for m in d["materials"]:
        status = env.ui.tr(f"materials.status.{m['status']}", pages=m["pages"])
        col.addWidget(text_label(f"· {_material_name(env, m)}: {status}", "Muted"))
    col.addStretch(1)
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(_scroll(box), 1)
    lay.addLayout(actions_row(env, [("submit", "review.submit", None)], primary="submit"))
    return w


@page("receipt")
def receipt_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("receipt.title")
    w = QWidget()
    row = QHBoxLayout(w)
    box, col = card(object_name="TicketCard")
    if env.ui.compact:
        col.setContentsMargins(20, 8, 20, 8)
        col.setSpacing(4)
    col.addWidget(text_label(_name(env, d["item_zh"], d["item_en"]), "Headline", align=CENTER))
    col.addWidget(text_label(env.ui.tr("receipt.code", code=d["code"]), "Code", align=CENTER))
    if d["promised"]:
        col.addWidget(text_label(env.ui.tr("receipt.promised", date=d["promised"]), "Body", align=CENTER))
    if d["due"]:
        col.addWidget(text_label(env.ui.tr("receipt.due", date=d["due"]), "Warn", align=CENTER))
    if d["offline"]:
        col.addWidget(text_label(env.ui.tr("receipt.offline"), "Muted", align=CENTER))
    col.addWidget(text_label(env.ui.tr("receipt.printed" if d["printed"] else "receipt.not_printed"),
                             "Notice" if d["printed"] else "Warn", align=CENTER))
    row.addWidget(box, 3)
    qr = QLabel()
    qr.setPixmap(qr_pixmap(d["follow_url"], 220 if env.ui.compact else 300))
    row.addWidget(qr, 2, CENTER)
    outer = QWidget()
    lay = QVBoxLayout(outer)
    lay.addWidget(w, 1)
    lay.addLayout(actions_row(env, [("rate", "receipt.rate", None), ("done", "action.done", None)], primary="done"))
    return outer
