"""The counter's submission review (kiosk 办件 linked to the current ticket): load, view materials,
mark each accepted or missing, and move the submission on. Mixed into the counter window."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage, QPixmap

from hall.counter.messages import error_text
from hall.counter.panels import MaterialViewer
from hall.counter.submission import Material, Review, submission_view


class ReviewMixin:
    """Needs ``runner``, ``service``, ``panel``, ``state``, ``say`` and ``dialog`` from the window."""

    runner: Any
    service: Any
    panel: Any
    state: Any
    dialog: Any

    def say(self, level: str, text: str) -> None: ...

    def _load_details(self) -> None:
        cur = self.state.current or {}
        tid = cur.get("id")
        if self.panel.review is not None and self.panel.review.view.id and cur.get("submission_id") == \
                self.panel.review.view.id:
            return  # same submission still on screen: keep the clerk's marks
        self.panel.show_review(None)
        if tid and (cur.get("submission_id") or cur.get("source") == "kiosk"):
            self.runner.op(lambda: self.service.submissions_for(int(tid))).success(self._submissions).failure(
                lambda e: self.say("warn", error_text(e, "读取办件"))).run()

    def _submissions(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._show_submission(rows[-1])

    def _show_submission(self, data: dict[str, Any]) -> None:
        old = self.panel.review
        review = Review(submission_view(data))
        if old is not None and old.view.id == review.view.id:
            review.verdicts = old.verdicts
        self.panel.show_review(review)
        for m in review.view.materials:
            if m.sha256 and m.is_image and m.id is not None and m.id not in self.panel.thumbs:
                sha, mid = m.sha256, m.id
                self.runner.op(lambda s=sha: self.service.material_bytes(s)).success(
                    lambda data, i=mid: self._thumb(i, data)).run()

    def _thumb(self, material_id: int, data: bytes) -> None:
        pix = QPixmap()
        if pix.loadFromData(data):
            self.panel.thumbs[material_id] = pix
            self.panel.show_review(self.panel.review)

    def do_open_material(self, m: Material) -> None:
        if not m.sha256 or not m.is_image:
            self.say("info", f"{m.requirement}：{'电子证照已核验' if m.kind == 'elicense' else '无图像可显示'}")
            return
        sha = m.sha256
        self.runner.op(lambda: self.service.material_bytes(sha)).success(
            lambda data: self._show_material(m, data)).failure(
            lambda e: self.say("warn", error_text(e, "读取材料"))).run()

    def _show_material(self, m: Material, data: bytes) -> None:
        image = QImage.fromData(data)
        if image.isNull():
            self.say("warn", "材料图片无法显示")
            return
        self.dialog = MaterialViewer(m.requirement, image, self)  # type: ignore[arg-type]
        self.dialog.open()

    def do_verdict(self, material_id: int, verdict: str) -> None:
        review = self.panel.review
        if review is not None:
            review.mark(material_id, verdict)
            self.panel.show_review(review)

    def do_advance(self, status: str) -> None:
        review = self.panel.review
        if review is None:
            return
        code, note = review.view.code, review.note_for(status)
        self.runner.op(lambda: self.service.advance_submission(code, status, note=note)).success(
            self._advanced).failure(lambda e: self.say("error", error_text(e, "更新办件状态"))).run()

    def _advanced(self, data: dict[str, Any]) -> None:
        self._show_submission(data)
        self.say("ok", f"办件已转为「{self.panel.review.view.status_zh}」")
