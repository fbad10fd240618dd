"""Small input dialogs of the counter (transfer, pause reason, call a number) and the login panel.

Each dialog only collects input and emits it; the window decides what to do with it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
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
        self.button = QPushButton("登录并开窗  Enter")
        self.button.setObjectName("loginButton")
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("令牌", self.token)
        form.addRow("姓名", self.clerk)
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

    def _submit(self) -> None:
        if not self.token.text().strip():
            self.error.setText("请输入柜员令牌")
            return
        self.set_busy(True)
        self.submitted.emit(self.token.text().strip(), self.clerk.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.button.setText("正在登录…" if busy else "登录并开窗  Enter")
