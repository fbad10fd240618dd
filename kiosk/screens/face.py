"""Face capture: live preview with a guide oval, quality prompts by code, countdown, retake.

Frames and their quality verdicts come from ``env.services.face`` (a camera feed running on the
camera's own thread, delivered here through a Qt signal). Without a feed the page says so.
"""

from __future__ import annotations

import collections
import time
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flows.base import View
from kiosk.i18n import has
from kiosk.screens.flow_screen import PageEnv, page
from kiosk.screens.widgets import button, text_label

PREVIEW_W, PREVIEW_H = 720, 540


def _with_oval(img: QImage | None, ok: bool) -> QPixmap:
    px = QPixmap(PREVIEW_W, PREVIEW_H)
    px.fill(QColor("#1F2A3A"))
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if img is not None and not img.isNull():
        scaled = img.scaled(PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatioByExpanding)
        p.drawImage((PREVIEW_W - scaled.width()) // 2, (PREVIEW_H - scaled.height()) // 2, scaled)
    p.setPen(QPen(QColor("#2EB872" if ok else "#FFFFFF"), 6, Qt.PenStyle.DashLine))
    p.drawEllipse(QRectF(PREVIEW_W * 0.32, PREVIEW_H * 0.12, PREVIEW_W * 0.36, PREVIEW_H * 0.7))
    p.end()
    return px


class FacePage(QWidget):
    def __init__(self, view: View, env: PageEnv) -> None:
        super().__init__()
        self.env = env
        self.countdown_s = float(view.data.get("countdown_s", 3))
        # 人证比对: good frames of the countdown go to the verifier, spread over it (liveness needs movement)
        self.verify = bool(view.data.get("verify"))
        self.recent: collections.deque[bytes] = collections.deque(maxlen=48)
        self.ok_since: float | None = None
        self.frozen: bytes = b""
        self.preview = QLabel()
        self.preview.setObjectName("FacePreview")
        self.preview.setPixmap(_with_oval(None, False))
        if env.ui.compact:  # a 768 px screen: the same picture at three quarters
            self.preview.setFixedSize(PREVIEW_W * 3 // 4, PREVIEW_H * 3 // 4)
            self.preview.setScaledContents(True)
        self.status = text_label(env.ui.tr("face.prompt"), "Headline", wrap=True)
        self.use_btn = button(env.ui.tr("face.use"), role="primary", on_click=self.use)
        self.retake_btn = button(env.ui.tr("face.retake"), on_click=self.retake)
        self.use_btn.hide()
        self.retake_btn.hide()
        col = QVBoxLayout()
        col.addStretch(1)
        col.addWidget(self.status)
        col.addWidget(self.use_btn)
        col.addWidget(self.retake_btn)
        col.addStretch(1)
        row = QVBoxLayout(self) if env.ui.portrait else QHBoxLayout(self)
        row.addWidget(self.preview, 3, Qt.AlignmentFlag.AlignCenter)
        row.addLayout(col, 2)
        self._listening = False
        self.feed = getattr(env.services, "face", None)
        if self.feed is None:
            self.status.setText(env.ui.tr("face.camera_offline"))
            return
        self.feed.frame.connect(self.on_frame)
        self.feed.failed.connect(self.on_failed)
        self._listening = True
        self.feed.start()
        env.cleanups.append(self.stop)

    def stop(self) -> None:
        if self.feed is not None and self._listening:
            self._listening = False
            self.feed.frame.disconnect(self.on_frame)
            self.feed.failed.disconnect(self.on_failed)
            self.feed.stop()

    def on_failed(self) -> None:
        self.stop()
        self.env.emit("face_failed", None)

    def on_frame(self, img: QImage, reasons: tuple[str, ...], jpeg: bytes) -> None:
        if self.frozen:
            return
        ok = not reasons
        self.preview.setPixmap(_with_oval(img, ok))
        now = time.monotonic()
        if not ok:
            self.ok_since = None
            key = reasons[0]
            self.status.setText(self.env.ui.tr(key) if has(self.env.ui.lang, key) else self.env.ui.tr("face.prompt"))
            return
        self.ok_since = self.ok_since or now
        if jpeg:
            self.recent.append(jpeg)
        left = self.countdown_s - (now - self.ok_since)
        if left > 0:
            countdown = self.env.ui.tr("face.countdown", seconds=int(left) + 1)
            self.status.setText(f"{self.env.ui.tr('face.ok')}  ·  {countdown}")
            return
        self.frozen = jpeg
        self.status.setText(self.env.ui.tr("face.ok"))
        self.use_btn.show()
        self.retake_btn.show()

    def use(self) -> None:
        if self.frozen:
            photo, self.frozen = self.frozen, b""
            self.stop()
            if self.verify:
                shots = list(self.recent) or [photo]
                step = max(1, len(shots) // 4)
                self.env.emit("face_verify", shots[::-1][::step][:4][::-1])
            else:
                self.env.emit("face_ok", photo)

    def retake(self) -> None:
        self.frozen = b""
        self.ok_since = None
        self.recent.clear()
        self.use_btn.hide()
        self.retake_btn.hide()
        self.status.setText(self.env.ui.tr("face.prompt"))


@page("face")
def face_page(view: View, env: PageEnv) -> Any:
    # 拍照留档 unless a face verifier is configured: the page never claims a check it does not make
    title = "face.title.by_id" if view.data.get("by_id") else "face.title.verify" if view.data.get("verify") \
        else "face.title"
    env.title = env.ui.tr(title)
    env.prompt = env.ui.tr(view.prompt or "face.prompt")
    return FacePage(view, env)
