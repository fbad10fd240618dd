"""Small input dialogs of the counter (transfer, pause reason, call a number, confirm a no-show, reinstate
a no-show) and the login panel.

Each dialog only collects input and emits it; the window decides what to do with it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

PAUSE_REASONS = ("临时离开", "业务咨询", "系统故障", "会议/培训", "用餐休息")
NUMBER_RE = re.compile(r"^([A-Z0-9]{1,8}-)?[A-Z][0-9]{3,4}$")


class _Dialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def _ok(self) -> None:
        raise NotImplementedError


class TransferDialog(_Dialog):
    chosen = Signal(object, object)  # category or None, window or None

    def __init__(self, categories: dict[str, str], own_window: int, parent: QWidget | None = None) -> None:
        super().__init__("转移号码", parent)
        self.to_category = QRadioButton("转到业务类别")
        self.to_window = QRadioButton("转到指定窗口")
        self.to_category.setChecked(True)
        self.category = QComboBox()
        for code, name in sorted(categories.items()):
            self.category.addItem(f"{code} {name}", code)
        self.window_no = QSpinBox()
        self.window_no.setRange(1, 9999)
        self.window_no.setValue(own_window + 1)
        self.form.addRow(self.to_category, self.category)
        self.form.addRow(self.to_window, self.window_no)

    def _ok(self) -> None:
        if self.to_category.isChecked():
            self.chosen.emit(self.category.currentData(), None)
        else:
            self.chosen.emit(None, self.window_no.value())
        self.accept()


class PauseDialog(_Dialog):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("暂停服务", parent)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(PAUSE_REASONS)
        self.form.addRow("暂停原因", self.reason)

    def _ok(self) -> None:
        text = self.reason.currentText().strip()
        if not text:
            self.error.setText("请填写暂停原因")
            return
        self.chosen.emit(text[:128])
        self.accept()


class CallNumberDialog(_Dialog):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("指定叫号", parent)
        self.number = QLineEdit()
        self.number.setPlaceholderText("例如 A023")
        self.form.addRow("号码", self.number)

    def _ok(self) -> None:
        text = self.number.text().strip().upper()
        if not NUMBER_RE.match(text):
            self.error.setText("号码格式不对，例如 A023")
            return
        self.chosen.emit(text)
        self.accept()


class NoShowConfirmDialog(_Dialog):
    """F5 is one key away from F4: a no-show is only recorded after the clerk confirms it."""

    chosen = Signal()

    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__("确认过号", parent)
        self.setObjectName("noShowConfirm")
        self.question = QLabel(f"确认将 {number} 记为过号？\n群众未到窗口时才记过号（记错可按 F9 恢复）")
        self.question.setObjectName("dialogQuestion")
        self.form.addRow(self.question)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确认过号")

    def _ok(self) -> None:
        self.chosen.emit()
        self.accept()


class ReinstateDialog(_Dialog):
    """This window's recent no-shows (latest first); the chosen one goes back to the head of its line."""

    chosen = Signal(int, str)  # ticket id, number

    def __init__(self, rows: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__("恢复过号", parent)
        self.setObjectName("reinstateDialog")
        self.list = QListWidget()
        self.list.setObjectName("noShowList")
        for row in rows:
            until = _local_hhmm(row.get("reinstate_until"))
            item = QListWidgetItem(f"{row.get('number', '')}    过号于 {_local_hhmm(row.get('no_show_at'))}"
                                   f"    {until} 前可恢复")
            item.setData(Qt.ItemDataRole.UserRole, (int(row.get("id", 0)), str(row.get("number", ""))))
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        self.form.addRow(QLabel("选择要恢复的号码（恢复后排在该业务队首）"))
        self.form.addRow(self.list)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("恢复")

    def _ok(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.error.setText("请选择要恢复的号码")
            return
        tid, number = item.data(Qt.ItemDataRole.UserRole)
        self.chosen.emit(tid, number)
        self.accept()


def _local_hhmm(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%H:%M")
    except ValueError:
        return "—"


class LoginPanel(QFrame):
    """The clerk's token (from the hall manager) and an optional display name."""

    submitted = Signal(str, str)

    def __init__(self, window: int, *, clerk: str = "") -> None:
        super().__init__()
        self.setObjectName("loginPanel")
        title = QLabel(f"{window} 号窗口 · 柜员登录")
        title.setObjectName("loginTitle")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("柜员令牌")
        self.clerk = QLineEdit(clerk)
        self.clerk.setPlaceholderText("显示名（可不填）")
        # A staff account (hall admin create-staff): 工号 and PIN sign the clerk in by name (reports per clerk).
        self.staff_no = QLineEdit()
        self.staff_no.setPlaceholderText("工号（有工作人员账号时填写）")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN")
        self.button = QPushButton("登录并开窗  Enter")
        self.button.setObjectName("loginButton")
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("令牌", self.token)
        form.addRow("姓名", self.clerk)
        form.addRow("工号", self.staff_no)
        form.addRow("PIN", self.pin)
        card = QFrame()
        card.setObjectName("loginCard")
        card.setFixedWidth(560)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(36, 32, 36, 32)
        inner.setSpacing(16)
        inner.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addLayout(form)
        inner.addWidget(self.button)
        inner.addWidget(self.error)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)
        self.button.clicked.connect(self._submit)
        self.token.returnPressed.connect(self._submit)
        self.clerk.returnPressed.connect(self._submit)
        self.staff_no.returnPressed.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        if not self.token.text().strip():
            self.error.setText("请输入柜员令牌")
            return
        if self.staff_no.text().strip() and not self.pin.text():
            self.error.setText("请输入 PIN")
            return
        self.set_busy(True)
        self.submitted.emit(self.token.text().strip(), self.clerk.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.button.setText("正在登录…" if busy else "登录并开窗  Enter")
