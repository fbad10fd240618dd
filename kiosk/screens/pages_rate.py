"""好差评 pages: five faces, reasons for the two lowest, an optional ready-made comment."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.screens.face_icons import face_button
from kiosk.screens.flow_screen import PageEnv, page
from kiosk.screens.pages_basic import actions_row, equal_columns
from kiosk.screens.widgets import text_label, wrap_button


@page("rate")
def rate_page(view: View, env: PageEnv) -> QWidget:
    env.title = env.ui.tr("rate.title")
    env.prompt = env.ui.tr("rate.prompt")
    w = QWidget()
    row = QGridLayout(w)
    row.setSpacing(20)
    cols = 3 if env.ui.portrait and env.ui.elderly else 5  # long words stay whole on a narrow screen
    for i, level in enumerate(view.data["levels"]):
        row.addWidget(face_button(level, env.ui.tr(f"rate.level.{level}"), env.ui,
                                  on_click=partial(env.emit, "level", level)), i // cols, i % cols)
    return w


@page("rate_scan")
def rate_scan_page(view: View, env: PageEnv) -> QWidget:
    env.title = env.ui.tr("rate.title")
    env.prompt = env.ui.tr(view.data.get("notice") or "rate.scan.prompt")
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addStretch(1)
    lay.addWidget(text_label(env.ui.tr("rate.scan.hint"), "Headline"))
    lay.addStretch(2)
    return w


@page("rate_reasons")
def rate_reasons_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("rate.reasons.title")
    env.prompt = env.ui.tr(d["error"]) if d["error"] else env.ui.tr("rate.reasons.prompt")
    w = QWidget()
    lay = QVBoxLayout(w)
    grid = QGridLayout()
    grid.setSpacing(12 if env.ui.compact else 18)
    cols = 2 if env.ui.portrait and env.ui.elderly else 3
    for i, r in enumerate(d["reasons"]):
        grid.addWidget(wrap_button(env.ui.tr(f"rate.reason.{r}"), checkable=True, checked=r in d["chosen"],
                                   on_click=partial(env.emit, "toggle_reason", r)),
                       i // cols, i % cols)
    equal_columns(grid, cols)
    lay.addLayout(grid, 1)
    lay.addLayout(actions_row(env, [("reasons_next", "action.next", None)], primary="reasons_next"))
    return w


@page("rate_comment")
def rate_comment_page(view: View, env: PageEnv) -> QWidget:
    d = view.data
    env.title = env.ui.tr("rate.comment.title")
    env.prompt = env.ui.tr("rate.comment.prompt")
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(text_label(env.ui.tr(f"rate.level.{d['level']}"), "Accent"))
    grid = QGridLayout()
    grid.setSpacing(18)
    for i, c in enumerate(d["comments"]):
        grid.addWidget(wrap_button(env.ui.tr(c or "comment.none"), checkable=True, checked=c == d["chosen"],
                                   on_click=partial(env.emit, "comment", c)),
                       i // 2, i % 2)
    lay.addLayout(grid, 1)
    lay.addLayout(actions_row(env, [("send", "rate.send", None)], primary="send"))
    return w
