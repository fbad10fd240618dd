"""The current ticket's details beyond the ticket itself: the appointment behind it, and the kiosk 办件
linked to it — view materials, mark each accepted or missing (saved on the server at once), move the
submission on. Mixed into the counter window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage, QPixmap

from hall.counter.messages import error_text
from hall.counter.panels import MaterialViewer
from hall.counter.submission import Material, Review, submission_view

if TYPE_CHECKING:  # the window this is mixed into; at run time the mixin is a plain class
    from PySide6.QtWidgets import QWidget as _Window
else:
    _Window = object


class ReviewMixin(_Window):
    """Needs ``runner``, ``service``, ``panel``, ``state``, ``say`` and ``dialog`` from the window."""

    runner: Any
    service: Any
    panel: Any
    state: Any
    dialog: Any
    notices: Any  # hall.counter.notice.NoticePrinter, or None (no 一次性告知书 button)

    def say(self, level: str, text: str) -> None: ...

    def redraw(self) -> None: ...

    def _load_details(self) -> None:
        cur = self.state.current or {}
        tid, aid = cur.get("id"), cur.get("appointment_id")
        if isinstance(aid, int) and (self.state.appointment or {}).get("id") != aid:
            self.runner.op(lambda: self.service.appointment(aid)).success(self._appointment).failure(
                lambda e: self.say("warn", error_text(e, "读取预约信息"))).run()
        shown = self.panel.review
        if shown is not None and shown.view.id and (cur.get("submission_id") == shown.view.id or (
                not cur.get("submission_id") and tid is not None and self._review_ticket == tid)):
            # Same submission still on screen: keep the clerk's marks. A submission made after its ticket
            # (at the kiosk, or a check-in's) is not named on the ticket: it is known by the ticket it was read for.
            return
        self.panel.show_review(None)
        if tid and (cur.get("submission_id") or cur.get("source") == "kiosk"):
            self.runner.op(lambda: self.service.submissions_for(int(tid))).success(
                lambda rows: self._submissions(rows, ticket=tid)).failure(
                lambda e: self.say("warn", error_text(e, "读取办件"))).run()

    def _appointment(self, data: dict[str, Any]) -> None:
        self.state.appointment = data
        self.redraw()

    _review_ticket: Any = None  # the ticket whose submission the panel shows

    def _submissions(self, rows: list[dict[str, Any]], *, ticket: Any = None) -> None:
        if rows and (self.state.current or {}).get("id") == ticket:  # not for a ticket gone meanwhile
            self._review_ticket = ticket
            self._show_submission(rows[-1])

    def _show_submission(self, data: dict[str, Any], *, answered: frozenset[int] = frozenset()) -> None:
        """The server's view of the submission; marks still on their way (not in ``answered``) stay."""
        old = self.panel.review
        review = Review(submission_view(data))
        if old is not None and old.view.id == review.view.id:
            review.verdicts = {i: v for i, v in old.verdicts.items() if i not in answered}
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
        self.dialog = MaterialViewer(m.requirement, image, self)
        self.dialog.open()

    def do_verdict(self, material_id: int, verdict: str) -> None:
        """Shown at once, saved with POST /submissions/{code}/review; the answer's missing list replaces ours."""
        review = self.panel.review
        if review is None or verdict not in ("accepted", "missing", "pending"):
            return
        before = review.verdicts.get(material_id)
        review.mark(material_id, verdict)
        self.panel.show_review(review)
        code = review.view.code
        note = self.panel.notes_draft.pop(material_id, None)
        notes = {material_id: note.strip()} if note is not None else None
        self.runner.op(lambda: self.service.review(code, {material_id: verdict}, notes=notes)).success(
            lambda data: self._show_submission(data, answered=frozenset({material_id}))).failure(
            lambda e: self._verdict_failed(material_id, before, e)).run()

    def _verdict_failed(self, material_id: int, before: str | None, exc: BaseException) -> None:
        review = self.panel.review
        if review is not None:
            if before is None:
                review.verdicts.pop(material_id, None)
            else:
                review.verdicts[material_id] = before
            self.panel.show_review(review)
        self.say("error", error_text(exc, "保存材料核验结果"))

    def do_advance(self, status: str) -> None:
        review = self.panel.review
        if review is None:
            return
        code = review.view.code
        self.runner.op(lambda: self.service.advance_submission(code, status)).success(
            self._advanced).failure(lambda e: self.say("error", error_text(e, "更新办件状态"))).run()

    def _advanced(self, data: dict[str, Any]) -> None:
        self._show_submission(data)
        self.say("ok", f"办件已转为「{self.panel.review.view.status_zh}」")

    def do_print_notice(self) -> None:
        """一次性告知书 of the submission on screen: printed on the counter's printer, else written as a PDF."""
        review = self.panel.review
        if review is None or self.notices is None or not review.missing():
            return
        view, missing = review.view, review.missing()
        self.say("info", "正在打印一次性告知书…")
        self.runner.op(lambda: self.notices.issue(view, missing)).success(self._notice_done).failure(
            lambda e: self.say("error", error_text(e, "打印一次性告知书"))).run()

    def _notice_done(self, result: Any) -> None:
        self.last_notice = result
        if result.how == "printer":
            self.say("ok", "一次性告知书已打印，请交给群众")
        else:
            self.say("ok" if result.reason == "pdf" else "warn",
                     ("" if result.reason == "pdf" else "打印机不可用，") + f"一次性告知书已生成 PDF：{result.path}")
