"""Pages of the application form: who applies (个人 / 企业（单位）) and the item's own form, each field
entered the touch way its type asks (buttons, keypad, credit code pad, date steppers, on-screen keyboard)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.screens.flow_screen import PageEnv, page
from kiosk.screens.form_widgets import CodePad, DatePicker, TextEntry
from kiosk.screens.pages_basic import _name, actions_row, equal_columns
from kiosk.screens.pages_basic import scroll as _scroll
from kiosk.screens.widgets import Keypad, button, card, text_label, wrap_button

PADS = ("keypad", "code", "date")  # inputs served by the pad beside (or below) the form
COMPANY_NOTES = {"found": ("form.company.found", "Notice"), "not_found": ("form.company.not_found", "Warn"),
                 "unavailable": ("form.company.unavailable", "Warn")}


@page("applicant")
def applicant_page(view: View, env: PageEnv) -> QWidget:
    """One large choice each: 个人办理 or 企业（单位）办理."""
    d = view.data
    env.title = env.ui.tr("applicant.title")
    env.prompt = env.ui.tr("applicant.prompt")
    w = QWidget()
    row: QBoxLayout = QVBoxLayout(w) if env.ui.portrait else QHBoxLayout(w)
    row.setSpacing(28)
    if env.ui.portrait:
        row.addStretch(1)
    for kind in d["choices"]:
        text = f"{env.ui.tr(f'applicant.{kind}')}\n{env.ui.tr(f'applicant.{kind}.sub')}"
        choice = wrap_button(text, checkable=True, checked=d.get("chosen") == kind,
                             on_click=partial(env.emit, "applicant", kind))
        words = choice.findChild(QLabel, "ChoiceText")
        if words is not None:  # one large choice each: its words in the middle
            words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(choice, 1)
    return w


def _pad(env: PageEnv, f: dict[str, Any], value: str, today: str) -> QWidget:
    label = _name(env, f["label_zh"], f["label_en"])
    pad: Keypad | CodePad | DatePicker
    if f["input"] == "code":  # nine keys a row: its own short confirm key
        pad = CodePad(env.ui, submit_text=env.ui.tr("action.keypad_submit"), initial=value, max_len=f["max_len"])
    elif f["input"] == "date":
        pad = DatePicker(env.ui, submit_text=label, initial=value, today=today)
    else:  # correct what was typed, not start over
        pad = Keypad(env.ui, max_len=f["max_len"], allow_x=f["type"] == "id_number", mask=False, submit_text=label,
                     initial=value)
    pad.setObjectName("FieldKeypad")
    pad.submitted.connect(lambda v, k=f["key"]: env.emit("set_field", (k, v)))
    return pad


def _asked_now(d: Mapping[str, Any], messages: dict[str, str]) -> list[dict[str, Any]]:
    """Elderly mode: one decision per screen — the field being edited, else the first still to fill or in
    error (with the choice that asked for it, to change it)."""
    values, editing = d["values"], d.get("editing") or ""
    todo = [f for f in d["fields"] if f["key"] == editing] or [
        f for f in d["fields"] if f["input"] != "shown" and not f["locked"]
        and (f["key"] in messages or not values.get(f["key"]))]
    fields = todo[:1]
    if fields and fields[0].get("when"):
        fields = [f for f in d["fields"] if f["key"] == fields[0]["when"][0]] + fields
    return fields or list(d["fields"])  # all answered: the whole form to look over before 下一步


def _field(env: PageEnv, col: QVBoxLayout, f: dict[str, Any], value: str, why: str, served: bool) -> None:
    head = QHBoxLayout()
    head.addWidget(text_label(_name(env, f["label_zh"], f["label_en"]), "Section"), 1)
    if why:
        head.addWidget(text_label(env.ui.tr(why), "Warn"), 2)
    col.addLayout(head)
    if f["locked"] or f["input"] == "shown":
        source = "form.from_licence" if f.get("from_licence") else "form.prefilled"
        col.addWidget(text_label(f"{value}   ({env.ui.tr(source)})" if value else "—", "Body"))
    elif f["input"] == "choice":
        grid = QGridLayout()
        grid.setSpacing(12)
        cols = 1 if env.ui.portrait and env.ui.elderly else min(3, len(f["options"]))
        for i, (option, zh, en) in enumerate(f["options"]):
            choice = wrap_button(_name(env, zh, en), checkable=True, checked=value == option,
                                 on_click=partial(env.emit, "set_field", (f["key"], option)))
            grid.addWidget(choice, i // cols, i % cols)
        equal_columns(grid, cols)
        col.addLayout(grid)
    elif f["input"] == "text":
        entry = TextEntry(env.ui, submit_text=env.ui.tr("form.set"), initial=value, max_len=f["max_len"])
        entry.submitted.connect(lambda v, k=f["key"]: env.emit("set_field", (k, v)))
        col.addWidget(entry)
        if not value:
            col.addWidget(text_label(env.ui.tr("form.text.hint"), "Muted"))
    else:
        line = QHBoxLayout()
        line.addWidget(text_label(value or "—", "FieldValue"), 1)
        if not served and value and not why:
            line.addWidget(button(env.ui.tr("form.edit"), on_click=partial(env.emit, "edit_field", f["key"])))
        col.addLayout(line)
        if f["input"] == "code" and served:
            col.addWidget(text_label(env.ui.tr("form.code.hint"), "Muted"))
    hint = _name(env, f["hint_zh"], f["hint_en"])
    if hint:
        col.addWidget(text_label(hint, "Muted"))


def _note(env: PageEnv, col: QVBoxLayout, note: tuple[str, str]) -> None:
    box, b = card(object_name="Card_warn" if note[1] == "Warn" else "Card_ok")
    b.addWidget(text_label(env.ui.tr(note[0]), note[1]))
    if note[1] == "Warn":  # no licence: type the name, or let a counter take the application
        b.addWidget(button(env.ui.tr("action.counter_ticket"), on_click=lambda: env.emit("counter_ticket", None)))
    col.addWidget(box)


@page("form")
def form_page(view: View, env: PageEnv) -> QWidget:
    """Every field with its value and, next to it, what is wrong with it; the pad serves the field being
    edited (or the first keypad, code or date field still to fill) and shows what is typed. A company's
    block comes first, with what its business licence lookup found."""
    d = view.data
    env.title = env.ui.tr("form.title")
    env.prompt = env.ui.tr("form.prompt")
    values, messages = d["values"], dict(d.get("messages") or {k: "form.required" for k in d["errors"]})
    fields = _asked_now(d, messages) if env.ui.elderly else d["fields"]
    editing = d.get("editing") or ""
    served: dict[str, Any] | None = next((f for f in fields if f["key"] == editing and f["input"] in PADS), None)
    if served is None:
        served = next((f for f in fields if f["input"] in PADS and not f["locked"]
                       and (not values.get(f["key"]) or f["key"] in messages)), None)
    inner = QWidget()
    col = QVBoxLayout(inner)
    col.setContentsMargins(0, 0, 0, 0)
    col.setSpacing(8 if env.ui.compact else 14)
    note = COMPANY_NOTES.get(d.get("company") or "")
    # what the licence lookup found goes under the credit code, or first when the code is not on screen
    # (elderly mode asks the company name alone)
    note_after = "credit_code" if any(f["key"] == "credit_code" for f in fields) else ""
    for i, f in enumerate(fields):
        if f["company"] and (i == 0 or not fields[i - 1]["company"]):
            col.addWidget(text_label(env.ui.tr("form.company.section"), "Headline"))
            if note and not note_after:
                note_after = "-"
                _note(env, col, note)
        _field(env, col, f, str(values.get(f["key"], "")), messages.get(f["key"], ""), f is served)
        if note and f["key"] == note_after:
            _note(env, col, note)
    col.addStretch(1)
    w = QWidget()
    row: QBoxLayout = QVBoxLayout(w) if env.ui.portrait else QHBoxLayout(w)
    wide = served is not None and served["input"] == "code" and not env.ui.portrait  # nine keys a row need room
    row.addWidget(_scroll(inner), 3)
    if served is not None:  # nine 72 px keys a row: more than half a small screen's width
        row.addWidget(_pad(env, served, str(values.get(served["key"], "")), str(d.get("today", ""))),
                      (4 if env.ui.compact else 3) if wide else 2)
    outer = QWidget()
    lay = QVBoxLayout(outer)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(w, 1)
    if not (env.ui.elderly and served is not None):  # seniors confirm with the pad's own button
        lay.addLayout(actions_row(env, [("form_next", "action.next", None)], primary="form_next"))
    return outer
