"""Pages shared by several flows: busy, message, identify, keypad, categories, ticket, cases…"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.i18n import has
from kiosk.screens.flow_screen import PageEnv, page
from kiosk.screens.icons import icon_pixmap
from kiosk.screens.widgets import Keypad, button, card, mark_full, qr_pixmap, text_label, wrap_button
from kiosk.theme import BUTTON_PADDING_PX, FONT_FAMILY

CENTER = Qt.AlignmentFlag.AlignCenter
PAGE_MARGIN_PX = 56  # the flow screen's side margins (kiosk.screens.flow_screen)


def _name(env: PageEnv, zh: str, en: str) -> str:
    return zh if env.ui.lang == "zh_CN" else (en or zh)


def status_text(env: PageEnv, status: str) -> str:
    """A case status in words; a status this kiosk does not know yet is shown as sent."""
    return env.ui.tr(f"status.{status}") if has(env.ui.lang, f"status.{status}") else status


def equal_columns(grid: QGridLayout, cols: int) -> None:
    """Every column as wide as the others, whatever the length of the texts in it."""
    for c in range(cols):
        grid.setColumnStretch(c, 1)


def scroll(inner: QWidget) -> QScrollArea:
    """``inner`` in a vertical scroll area (never a horizontal one)."""
    s = QScrollArea()
    s.setWidgetResizable(True)
    s.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    s.setWidget(inner)
    return s


def actions_row(env: PageEnv, actions: list[tuple[str, str, Any]], *, primary: str = "") -> QVBoxLayout:
    """The page's buttons, centred in one row; when their texts (translated, elderly-sized) are wider than
    the screen they take more rows, so a long translation never cuts a button off."""
    rows = QVBoxLayout()
    rows.setSpacing(10)
    buttons, widths = [], []
    font = QFont(FONT_FAMILY)
    font.setPixelSize(env.ui.theme.px(26))  # the theme's button text (kiosk.theme: QPushButton)
    font.setWeight(QFont.Weight.DemiBold)
    metrics = QFontMetrics(font)
    for action, key, value in actions:
        role = "primary" if action == primary else "secondary"
        text = env.ui.tr(key)
        buttons.append(button(text, role=role, on_click=partial(env.emit, action, value)))
        widths.append(metrics.horizontalAdvance(text) + BUTTON_PADDING_PX + 20)
    room = env.ui.screen[0] - 2 * PAGE_MARGIN_PX
    per_row = max(1, len(buttons))
    while per_row > 1 and any(sum(widths[i:i + per_row]) > room for i in range(0, len(buttons), per_row)):
        per_row -= 1
    for i in range(0, len(buttons), per_row):
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addStretch(1)
        for b in buttons[i:i + per_row]:
            row.addWidget(b)
        row.addStretch(1)
        rows.addLayout(row)
    return rows


@page("busy")
def busy_page(view: View, env: PageEnv) -> QWidget:
    env.show_home = False
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addStretch(1)
    lay.addWidget(text_label(env.ui.tr(view.data.get("key") or "busy.default"), "Headline", align=CENTER))
    lay.addStretch(2)
    return w


@page("message")
def message_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addStretch(1)
    box, inner = card(object_name=f"Card_{d.get('tone', 'info')}")
    values = dict(d.get("values", {}))
    if "opens" in values and not values["opens"]:
        values["opens"] = env.ui.tr("closed.unknown")
    inner.addWidget(text_label(env.ui.tr(d["key"], **values), "Headline", align=CENTER))
    for key, line_values in d.get("lines", ()):
        inner.addWidget(text_label(env.ui.tr(key, **line_values), "Body", align=CENTER))
    lay.addWidget(box)
    lay.addSpacing(30)
    keys = {"home": "action.home", "help": "action.help", "back": "action.back", "counter_ticket":
            "action.counter_ticket", "normal_ticket": "action.normal_ticket",
            "back_to_materials": "action.back_to_materials", "face_retry": "action.face_retry"}
    acts = [a for a in d.get("actions", ("home",)) if a in keys]
    env.show_home = "home" not in acts
    lay.addLayout(actions_row(env, [(a, keys[a], None) for a in acts], primary=acts[0] if acts else ""))
    lay.addStretch(2)
    return w


@page("identify")
def identify_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("identify.title")
    env.prompt = env.ui.tr(f"identify.prompt.{d['purpose']}")
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setSpacing(18)
    if d.get("notice"):
        box, inner = card(object_name="Card_warn")
        inner.addWidget(text_label(env.ui.tr(d["notice"]), "Notice"))
        lay.addWidget(box)
    row = QHBoxLayout()
    row.setSpacing(24)
    icons = {"id_card": "document", "ss_card": "ticket", "service_code": "search"}
    for m in d["methods"]:
        box, inner = card(object_name="MethodCard")
        pic = QLabel()
        t = env.ui.theme
        pic.setPixmap(icon_pixmap(icons[m], 96, fg=t.on_primary, bg=t.primary))
        inner.addWidget(pic, 0, CENTER)
        inner.addWidget(text_label(env.ui.tr(f"identify.method.{m}"), "MethodText", align=CENTER))
        row.addWidget(box, 1)
    lay.addLayout(row, 1)
    if d.get("offline_methods"):
        names = env.ui.tr("list.sep").join(env.ui.tr(f"identify.short.{m}") for m in d["offline_methods"])
        lay.addWidget(text_label(env.ui.tr("identify.offline_methods", methods=names), "Muted"))
    if d.get("proof_ways"):  # personal data: say which ways prove who you are (a typed number does not)
        ways = env.ui.tr("list.sep").join(env.ui.tr(f"identify.short.{m}") for m in d["proof_ways"])
        lay.addWidget(text_label(env.ui.tr("identify.proof_ways", ways=ways), "Muted"))
    acts = [("manual", "action.manual", None)] if d.get("manual", True) else []
    if "face" in d.get("proof_ways", ()):  # no card with you: your number, then your face (provincial service)
        acts.append(("face_way", "action.face_way", None))
    if d.get("optional"):
        acts.append(("skip", "action.skip", None))
        if d["purpose"] == "priority":
            acts.insert(0, ("back", "action.back", None))
    lay.addLayout(actions_row(env, acts, primary="skip"))
    return w


@page("keypad")
def keypad_page(view: View, env: PageEnv) -> QWidget:
    env.title = env.ui.tr("keypad.title")
    env.prompt = env.ui.tr(view.data["error"]) if view.data.get("error") else env.ui.tr("keypad.prompt")
    w = QWidget()
    lay = QHBoxLayout(w)
    # the citizen sees every digit while typing (a wrong digit is found before the check fails);
    # the number never appears on any later screen or in a log
    pad = Keypad(env.ui, max_len=int(view.data.get("max_len", 18)), cancellable=True, mask=False)
    pad.setObjectName("IdKeypad")
    pad.setMaximumWidth(760)
    pad.submitted.connect(lambda value: env.emit("keypad_submit", value))
    lay.addStretch(1)
    pad.cancelled.connect(lambda: env.emit("keypad_cancel", None))
    lay.addWidget(pad, 3)
    lay.addStretch(1)
    return w


@page("categories")
def categories_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("categories.title")
    env.prompt = env.ui.tr(d["notice"], **d.get("values", {})) if d.get("notice") else ""
    inner = QWidget()
    grid = QGridLayout(inner)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(12 if env.ui.compact else 22)
    cols = 2 if env.ui.portrait or len(d["categories"]) <= 4 or (env.ui.compact and env.ui.elderly) else 3
    for i, c in enumerate(d["categories"]):
        text = f"{c['code']}  {_name(env, c['name_zh'], c['name_en'])}\n"
        if c["full"]:
            text += env.ui.tr("categories.full")
        elif c.get("offline"):
            text += env.ui.tr("categories.offline_row")
        else:
            text += env.ui.tr("categories.waiting", count=c["waiting"], minutes=c["wait_min"])
        b = wrap_button(text, on_click=partial(env.emit, "category", c["code"]))
        mark_full(b, bool(c["full"]))
        grid.addWidget(b, i // cols, i % cols)
    equal_columns(grid, cols)
    return scroll(inner)  # a hall with many lines on a short screen scrolls, never cuts a line off


@page("ticket")
def ticket_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("ticket.title")
    w = QWidget()
    row = QHBoxLayout(w)
    row.setSpacing(40)
    box, inner = card(object_name="TicketCard")
    inner.setSpacing(4)
    booking: list[QLabel] = []
    if d.get("checkin"):  # 签到成功: what the booking was, so the citizen knows it worked
        env.title = env.ui.tr("checkin.success")
        if d.get("slot"):
            booking.append(text_label(env.ui.tr("checkin.slot", slot=d["slot"]), "Accent", align=CENTER))
        item = _name(env, d.get("item_zh", ""), d.get("item_en", ""))
        if item:
            booking.append(text_label(env.ui.tr("checkin.item", item=item), "Muted", align=CENTER))
    elif d.get("appointment") and d.get("slot"):
        inner.addWidget(text_label(env.ui.tr("ticket.appointment", slot=d["slot"]), "Accent", align=CENTER))
    if d.get("fallback"):
        inner.addWidget(text_label(env.ui.tr("ticket.fallback"), "Accent", align=CENTER))
    inner.addWidget(text_label(d["number"], "BigNumber", wrap=False, align=CENTER))
    inner.addWidget(text_label(env.ui.tr("ticket.category", name=_name(env, d["category_zh"], d["category_en"])),
                               "Headline", align=CENTER))
    priority = f"ticket.priority.{d.get('priority') or ''}"
    if d.get("priority") and has(env.ui.lang, priority):
        inner.addWidget(text_label(env.ui.tr(priority), "Accent", align=CENTER))
    if d.get("offline"):  # nobody knows the queue offline: no invented position or wait
        inner.addWidget(text_label(env.ui.tr("ticket.offline_no_wait"), "Body", align=CENTER))
        inner.addWidget(text_label(env.ui.tr("ticket.offline"), "Muted", align=CENTER))
    elif d.get("wait_unknown"):  # no open window serves the line: no number is promised
        inner.addWidget(text_label(env.ui.tr("ticket.queue_no_wait", count=d["ahead"]), "Body", align=CENTER))
    else:
        inner.addWidget(text_label(env.ui.tr("ticket.queue", count=d["ahead"], minutes=d["wait_min"]), "Body",
                                   align=CENTER))
    status = text_label(env.ui.tr("ticket.printed" if d["printed"] else "ticket.not_printed"),
                        "Notice" if d["printed"] else "Warn", align=CENTER)
    inner.addWidget(status)
    row.addWidget(box, 3)
    if d.get("follow_url") or booking:  # the booking beside the number, above the QR
        qbox, qin = card()
        for lab in booking:
            qin.addWidget(lab)
        if d.get("follow_url"):
            qr = QLabel()
            qr.setObjectName("FollowQr")
            size = 300 if not (env.ui.compact or booking) else 150 if env.ui.compact and booking else 220
            qr.setPixmap(qr_pixmap(d["follow_url"], size))
            qin.addWidget(qr, 0, CENTER)
            qin.addWidget(text_label(env.ui.tr("ticket.follow"), "Body", align=CENTER))
        row.addWidget(qbox, 3 if booking else 2)  # a booking's details get as much room as the number
    outer = QWidget()
    lay = QVBoxLayout(outer)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(w, 1)
    lay.addLayout(actions_row(env, [("done", "action.done", None)], primary="done"))
    return outer


@page("checkin_refused")
def checkin_refused_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("checkin.refused.title")
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addStretch(1)
    box, inner = card(object_name="Card_warn")
    inner.addWidget(text_label(env.ui.tr(f"checkin.refused.{d['reason']}"), "Headline"))
    for name in ("slot", "back", "until"):  # the server's specifics, when it sent them
        if d.get(name):
            inner.addWidget(text_label(env.ui.tr(f"checkin.detail.{name}", **{name: d[name]}), "Body"))
    offer = d["reason"] != "used"
    if offer:
        inner.addWidget(text_label(env.ui.tr("checkin.offer"), "Body"))
    lay.addWidget(box)
    lay.addSpacing(24)
    acts = [("normal_ticket", "action.normal_ticket", None)] if offer else []
    lay.addLayout(actions_row(env, acts, primary="normal_ticket"))
    lay.addStretch(2)
    return w


@page("fallback")
def fallback_page(view: View, env: PageEnv) -> QWidget:
    env.title = env.ui.tr("fallback.title")
    env.prompt = env.ui.tr("fallback.prompt")
    w = QWidget()
    grid = QGridLayout(w)
    grid.setSpacing(22)
    cols = 2
    for i, p in enumerate(view.data["problems"]):
        grid.addWidget(wrap_button(env.ui.tr(f"fallback.problem.{p}"), on_click=partial(env.emit, "problem", p)),
                       i // cols, i % cols)
    equal_columns(grid, cols)
    return w


@page("cases")
def cases_page(view: View, env: PageEnv) -> QWidget:
    cases = view.data["cases"]
    env.title = env.ui.tr("cases.title")
    env.prompt = env.ui.tr("cases.prompt" if cases else "cases.none")
    inner = QWidget()
    lay = QVBoxLayout(inner)
    lay.setSpacing(18)
    for c in cases:
        box, col = card()
        col.addWidget(text_label(f"{_name(env, c['item_zh'], c['item_en'])}  ·  {status_text(env, c['status'])}",
                                 "Headline"))
        col.addWidget(text_label(env.ui.tr("receipt.code", code=c["code"]), "Body"))
        if c.get("due"):
            col.addWidget(text_label(env.ui.tr("cases.due", date=c["due"]), "Body"))
        for h in c["history"]:
            col.addWidget(text_label(f"{h['at']}   {status_text(env, h['status'])}", "Muted"))
        lay.addWidget(box)
    lay.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    outer = QWidget()
    ol = QVBoxLayout(outer)
    ol.addWidget(scroll, 1)
    ol.addLayout(actions_row(env, [("done", "action.done", None)], primary="done"))
    return outer
