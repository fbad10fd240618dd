"""Materials of a submission: e-license ticks, document-camera pages, the one-time notice and 容缺.

A mixin of :class:`~kiosk.flows.submission.SubmissionFlow`, kept apart to stay readable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from devices.printer import layouts
from kiosk.flows.base import Flow, Home, Step, View, Work, message
from kiosk.flows.ports import Material, PortError, ServiceItem
from kiosk.i18n import pick


def _name(lang: str, zh: str, en: str) -> str:
    return pick(lang, zh, en)


def printed_materials(lang: str, items: list[Material]) -> tuple[layouts.Material, ...]:
    """Materials as the printed layouts list them ("原件 1 份")."""
    return tuple(layouts.Material.counted(_name(lang, m.name_zh, m.name_en), original=m.original, count=m.count,
                                          lang=lang) for m in items)


class MaterialsMixin(Flow):
    """The materials steps; the flow that mixes them in provides the item and the review screen."""

    item: ServiceItem | None
    elicenses: set[str]
    waived: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waived = []
        self.capturing: str | None = None

    # -- status of each material ---------------------------------------------------------------
    def elicensed_ids(self) -> list[str]:
        assert self.item is not None
        return [m.id for m in self.item.materials if m.elicense and m.elicense in self.elicenses]

    def captured_ids(self) -> list[str]:
        return [k for k, pages in self.ctx.session.pages.items() if pages]

    def status_of(self, m: Material) -> str:
        if m.id in self.elicensed_ids():
            return "elicense"
        if self.ctx.session.pages.get(m.id):
            return "captured"
        if m.id in self.waived:
            return "waived"
        return "missing"

    def missing(self) -> list[Material]:
        assert self.item is not None
        return [m for m in self.item.materials if self.status_of(m) == "missing"]

    def material_row(self, m: Material, *, status: str | None = None) -> dict[str, Any]:
        return {"id": m.id, "name_zh": m.name_zh, "name_en": m.name_en, "count": m.count, "original": m.original,
                "waivable": m.waivable, "elicense": bool(m.elicense),
                "status": self.status_of(m) if status is None else status,
                "pages": len(self.ctx.session.pages.get(m.id, []))}

    def material_rows(self) -> list[dict[str, Any]]:
        assert self.item is not None
        return [self.material_row(m) for m in self.item.materials]

    def view_materials(self) -> View:
        return View("materials", {"rows": self.material_rows(), "elicensed": len(self.elicensed_ids())},
                    prompt="materials.prompt")

    # -- capture with the document camera ------------------------------------------------------
    def on_capture(self, material_id: Any) -> Step:
        assert self.item is not None
        if not any(m.id == material_id for m in self.item.materials):
            return self.view_materials()
        if not self.ctx.devices.doc_camera:
            return message("capture.offline", actions=("back_to_materials", "counter_ticket"), tone="warn")
        self.capturing = str(material_id)
        self.ctx.session.pages.setdefault(self.capturing, [])
        return self.view_capture()

    def view_capture(self) -> View:
        assert self.item is not None and self.capturing is not None
        m = next(m for m in self.item.materials if m.id == self.capturing)
        pages = self.ctx.session.pages.get(self.capturing, [])
        return View("capture", {"material": self.material_row(m), "pages": len(pages),
                                "preview": pages[-1] if pages else b""}, prompt="capture.prompt")

    def on_shoot(self, _value: Any = None) -> Step:
        return Work(run=self.ctx.doc_camera.capture_page, done=self._shot, failed=self._shot_failed,
                    busy=View("busy", {"key": "busy.capturing"}), label="capture_page")

    def _shot(self, jpeg: bytes) -> Step:
        if self.capturing is None:
            return self.view_materials()
        self.ctx.session.pages.setdefault(self.capturing, []).append(bytes(jpeg))
        return self.view_capture()

    def _shot_failed(self, exc: PortError) -> Step:
        return message("capture.offline", actions=("back_to_materials", "counter_ticket"), tone="warn")

    def on_retake(self, _value: Any = None) -> Step:
        if self.capturing and self.ctx.session.pages.get(self.capturing):
            self.ctx.session.pages[self.capturing].pop()
        return self.view_capture()

    def on_accept_pages(self, _value: Any = None) -> Step:
        self.capturing = None
        return self.view_materials()

    def on_back_to_materials(self, _value: Any = None) -> Step:
        self.capturing = None
        return self.view_materials()

    # -- after the materials: notice, commitment, review ---------------------------------------
    def on_materials_next(self, _value: Any = None) -> Step:
        missing = self.missing()
        if not missing:
            return self.view_review()
        return self.view_notice()

    def view_notice(self, printed: str = "") -> View:
        """The one-time notice; ``printed`` says how printing it went (the application stays open)."""
        assert self.item is not None
        missing = self.missing()
        can_commit = self.item.commitment_allowed and all(m.waivable for m in missing)
        return View("notice", {"missing": [self.material_row(m) for m in missing], "can_commit": can_commit,
                               "printed": printed}, prompt=printed or "notice.prompt")

    def on_print_notice(self, _value: Any = None) -> Step:
        assert self.item is not None
        lang = self.ctx.lang if self.ctx.lang in layouts.LABELS else "zh_CN"
        info = layouts.NoticeInfo(item_name=_name(lang, self.item.name_zh, self.item.name_en),
                                  missing=printed_materials(lang, self.missing()), issued_at=self.ctx.now(),
                                  hall_name=self.ctx.hall_name())
        doc = layouts.notice(info, lang=lang)
        # the application goes on: the citizen may still sign the 容缺 commitment or capture more
        return self.print_then(doc, lambda printed: self.view_notice("notice.printed" if printed
                                                                     else "notice.not_printed"))

    def on_commit(self, _value: Any = None) -> Step:
        assert self.item is not None
        if not (self.item.commitment_allowed and all(m.waivable for m in self.missing())):
            return self.on_materials_next()
        due = (self.ctx.now() + timedelta(days=10)).date().isoformat()
        return View("signature", {"missing": [self.material_row(m) for m in self.missing()], "due": due},
                    prompt="signature.prompt")

    def on_signed(self, png: Any) -> Step:
        data = bytes(png or b"")
        if not data:
            return self.on_commit()
        self.ctx.session.signature = data
        self.waived = [m.id for m in self.missing()]
        return self.view_review()

    def view_review(self) -> View:
        raise NotImplementedError

    def on_quit_to_home(self, _value: Any = None) -> Step:
        return Home()
