"""The counter's current-ticket panel, the submission section and the material viewer (zoom, rotate).

These widgets only render state and hand the clerk's choices back through signals.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut, QTransform
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from config.privacy import mask_id_number
from hall.counter.state import PRIORITY_ZH, STATUS_ZH, CounterState, appointment_text, format_duration, idle_text
from hall.counter.submission import KIND_ZH, VERDICT_ZH, Material, Review
from hall.counter.submission import STATUS_ZH as SUB_STATUS_ZH
from hall.qtkit.fitting import FlowLayout
from hall.qtkit.plaintext import plain_label
from hall.qtkit.widgets import named

THUMB = 120
VIEWER_W, VIEWER_H = 1000, 800
TILE_W = 200  # a material tile: the thumbnail, its name wrapped, the note and the two verdict buttons


def _label(text: str = "", *, name: str = "", wrap: bool = False) -> QLabel:
    lab = plain_label(text)  # submissions' form values and notes come from citizens: never markup
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class TicketPanel(QFrame):
    """Number, category, status, priority reason, wait so far, appointment, and the submission."""

    verdict = Signal(int, str)  # material id, "accepted" | "missing"
    advance = Signal(str)  # next submission status
    print_notice = Signal()  # 一次性告知书 of the missing list
    open_material = Signal(object)  # Material

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ticketPanel")
        lay = self._layout = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        self.number = _label("—", name="bigNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # a long pause reason wraps within its half of the row instead of widening the window
        self.status = _label("", name="ticketStatus", wrap=True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.addWidget(self.number, 1)
        top.addWidget(self.status, 1)
        lay.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.fields: dict[str, QLabel] = {}
        for i, (key, title) in enumerate((("category", "业务类别"), ("priority", "优先原因"),
                                          ("wait", "已等候"), ("source", "取号方式"),
                                          ("appointment", "预约信息"), ("id", "证件号"))):
            row, col = divmod(i, 2)
            grid.addWidget(_label(title, name="fieldTitle"), row, col * 2)
            self.fields[key] = _label("—", name="fieldValue", wrap=True)
            grid.addWidget(self.fields[key], row, col * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        lay.addLayout(grid)
        self.submission_box = QFrame()
        self.submission_box.setObjectName("submissionBox")
        self.submission_box.setVisible(False)
        self._sub_layout = QVBoxLayout(self.submission_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setObjectName("submissionScroll")
        scroll.setWidget(self.submission_box)
        lay.addWidget(scroll, 1)
        self.sub_scroll = scroll
        self.thumbs: dict[int, QPixmap] = {}
        # The clerk's note per material while it is typed (kept across redraws until saved with a verdict).
        self.notes_draft: dict[int, str] = {}
        self.review: Review | None = None

    def set_compact(self, compact: bool) -> None:
        """Narrower margins on a short screen (the type shrinks with the window's style sheet)."""
        self._layout.setContentsMargins(*((14, 8, 14, 8) if compact else (24, 20, 24, 20)))

    def show_state(self, state: CounterState) -> None:
        cur = state.current
        if not cur:
            self.number.setText("—")
            self.status.setText(idle_text(state))
            for lab in self.fields.values():
                lab.setText("—")
            if self.review is not None:
                self.show_review(None)
            return
        self.number.setText(str(cur.get("number", "")))
        status = STATUS_ZH.get(str(cur.get("status")), str(cur.get("status")))
        calls = int(cur.get("call_count") or 0)
        self.status.setText(("（连接中断，状态待确认）" if state.stale else "") + status
                            + (f" · 第{calls}次呼叫" if calls > 1 else ""))
        cat = str(cur.get("category", ""))
        self.fields["category"].setText(f"{cat} {state.category_names.get(cat, '')}".strip())
        pri = cur.get("priority")
        self.fields["priority"].setText(PRIORITY_ZH.get(str(pri), str(pri)) if pri else "无（按取号顺序）")
        self.fields["wait"].setText(format_duration(state.wait_so_far_s()))
        source = {"kiosk": "自助取号机", "counter": "窗口", "appointment": "预约签到", "online": "网上取号",
                  "offline": "离线取号"}.get(str(cur.get("source")), str(cur.get("source") or "—"))
        self.fields["source"].setText(source + (f"（由 {cur['transferred_from']} 类转入）"
                                                if cur.get("transferred_from") else ""))
        appt = state.appointment_for_current()
        self.fields["appointment"].setText(appointment_text(appt) if appt else "预约签到，正在读取预约信息…"
                                           if cur.get("appointment_id") else "无")
        id_masked = cur.get("id_masked") or (appt or {}).get("id_masked") or ""
        self.fields["id"].setText(mask_id_number(str(id_masked)) or "—")

    # -- submission --------------------------------------------------------------------------------
    def show_review(self, review: Review | None) -> None:
        self.review = review
        view = review.view if review is not None else None
        _clear(self._sub_layout)
        self.submission_box.setVisible(view is not None)
        if review is None or view is None:
            return
        add = self._sub_layout.addWidget
        add(_label(f"自助终端办件  {view.code}  ·  {view.status_zh}", name="sectionTitle", wrap=True))
        add(_label(f"事项：{view.item}", wrap=True))
        if view.deadline_zh:
            add(_label(view.deadline_zh, name="deadlineOver" if view.deadline == "overdue" else "deadline"))
        add(_label(f"申请人：{view.applicant_name or '—'}   证件号：{view.applicant_id or '—'}", wrap=True))
        if view.form:
            add(_label("表单：" + "；".join(f"{k}：{v}" for k, v in view.form), wrap=True))
        if view.form_problems:  # an outbox submission answered against an older form: accepted, to put right
            add(_label("表单待核对：" + "；".join(view.form_problems), name="formProblems", wrap=True))
        row = FlowLayout()  # as many tiles a row as the panel is wide; more materials, more rows (it scrolls)
        for m in view.materials:
            row.addWidget(self._material_tile(m, review.verdict(m)))
        self._sub_layout.addLayout(row)
        missing = review.missing()
        if missing:
            add(_label("一次性告知缺少材料：" + "、".join(missing), name="missingList", wrap=True))
            printing = named(QPushButton("打印一次性告知书"), "print_notice")
            printing.clicked.connect(lambda _=False: self.print_notice.emit())
            add(printing)
        buttons = QHBoxLayout()
        for status in view.next_status:
            b = QPushButton(f"转为「{SUB_STATUS_ZH.get(status, status)}」")
            b.setObjectName(f"advance_{status}")
            b.clicked.connect(lambda _=False, s=status: self.advance.emit(s))
            buttons.addWidget(b)
        buttons.addStretch(1)
        self._sub_layout.addLayout(buttons)
        self._sub_layout.addStretch(1)  # on a tall screen the lines stay together at the top

    def _material_tile(self, m: Material, verdict: str) -> QWidget:
        tile = QFrame()
        tile.setObjectName("materialTile")
        tile.setFixedWidth(TILE_W)
        lay = QVBoxLayout(tile)
        thumb = QPushButton()
        thumb.setFixedSize(THUMB, THUMB)
        pix = self.thumbs.get(m.id or -1)
        if pix is not None:
            thumb.setIcon(pix.scaled(THUMB - 8, THUMB - 8, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation))
            thumb.setIconSize(pix.scaled(THUMB - 8, THUMB - 8, Qt.AspectRatioMode.KeepAspectRatio).size())
        else:
            thumb.setText(KIND_ZH.get(m.kind, m.kind) if m.kind != "file" else "PDF" if not m.is_image else "…")
        thumb.clicked.connect(lambda: self.open_material.emit(m))
        lay.addWidget(thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(_label(m.requirement, wrap=True))
        lay.addWidget(_label(VERDICT_ZH.get(verdict, verdict) + (f"：{m.note}" if m.note else ""),
                             name=f"verdict_{verdict}", wrap=True))
        if m.id is not None:
            note = named(QLineEdit(self.notes_draft.get(m.id, m.note)), f"note_{m.id}")
            note.setPlaceholderText("备注（如：缺盖章页）")
            note.setMaxLength(200)
            note.textEdited.connect(lambda text, mid=m.id: self.notes_draft.__setitem__(mid, text))
            lay.addWidget(note)
            ok = named(QPushButton("确认"), f"accept_{m.id}")
            miss = named(QPushButton("缺失"), f"missing_{m.id}")
            ok.clicked.connect(lambda: self.verdict.emit(m.id, "accepted"))
            miss.clicked.connect(lambda: self.verdict.emit(m.id, "missing"))
            btns = QHBoxLayout()
            btns.addWidget(ok)
            btns.addWidget(miss)
            lay.addLayout(btns)
        return tile


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)


class MaterialViewer(QDialog):
    """A captured page at full size: + / − zoom, R rotates, 0 fits; Esc closes."""

    def __init__(self, title: str, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        # at most 1000×800, and never more than nine tenths of the counter window (a 768 px screen)
        room = parent.window().size() if parent is not None else QSize(VIEWER_W, VIEWER_H)
        self.resize(min(VIEWER_W, room.width() * 9 // 10), min(VIEWER_H, room.height() * 9 // 10))
        self.image, self.zoom, self.angle = image, 1.0, 0
        self.view = QLabel()
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.view)
        scroll.setWidgetResizable(True)
        bar = QHBoxLayout()
        for text, key, fn in (("放大 +", "+", lambda: self.set_zoom(self.zoom * 1.25)),
                              ("缩小 −", "-", lambda: self.set_zoom(self.zoom / 1.25)),
                              ("旋转 R", "R", self.rotate), ("适合 0", "0", lambda: self.set_zoom(1.0))):
            b = QPushButton(text)
            b.clicked.connect(fn)
            QShortcut(QKeySequence(key), self, fn)
            bar.addWidget(b)
        bar.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(scroll, 1)
        self._redraw()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(8.0, max(0.1, zoom))
        self._redraw()

    def rotate(self) -> None:
        self.angle = (self.angle + 90) % 360
        self._redraw()

    def _redraw(self) -> None:
        img = self.image.transformed(QTransform().rotate(self.angle), Qt.TransformationMode.SmoothTransformation)
        # zoom 1 fits the page into the viewer (less its button bar and margins)
        fit = min((self.width() - 40) / max(1, img.width()), (self.height() - 100) / max(1, img.height()), 1.0)
        w = max(1, int(img.width() * fit * self.zoom))
        self.view.setPixmap(QPixmap.fromImage(img).scaledToWidth(w, Qt.TransformationMode.SmoothTransformation))
