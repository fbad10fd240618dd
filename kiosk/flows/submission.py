"""自助申报: identify (+ face) → find the item → guide → prefilled form → materials → submit.

Materials the e-license library holds are ticked automatically; everything still missing is
listed once (一次性告知); where the item allows it the citizen signs a commitment (容缺) instead.
Submitting goes through the outbox, so it also works while the hall server is down.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from config.privacy import mask_id_number
from devices.printer import layouts
from kiosk.flows import form as form_rules
from kiosk.flows import qr
from kiosk.flows.base import Flow, Goto, Home, Step, View, Work, message
from kiosk.flows.catalogue import Catalogue
from kiosk.flows.form_steps import FormSteps
from kiosk.flows.identify import Identifier
from kiosk.flows.materials import printed_materials
from kiosk.flows.ports import FaceResult, PortError, Receipt, Refused, ServiceItem, Submission, Unavailable
from kiosk.flows.session import Identity
from kiosk.i18n import has, pick


def add_workdays(start: date, days: int) -> date:
    """``days`` working days after ``start`` (weekends skipped; the server's holiday calendar wins
    when it sends a date of its own)."""
    d = start
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def item_row(item: ServiceItem) -> dict[str, Any]:
    return {"code": item.code, "name_zh": item.name_zh, "name_en": item.name_en, "category": item.category}


class SubmissionFlow(FormSteps, Flow):
    name = "submit"

    def __init__(self, ctx: Any, **options: Any) -> None:
        super().__init__(ctx, **options)
        self.catalogue: Catalogue | None = None
        self.item: ServiceItem | None = None
        self.elicenses: set[str] = set()
        self.query = ""

    # -- identify + face -----------------------------------------------------------------------
    def start(self) -> Step:
        known = self.ctx.session.identity
        if known is not None and known.proven:  # a typed number from taking a ticket is not enough here
            return self._identified(known)
        self.sub = sub = Identifier(self, purpose="submit", then=self._identified)
        return sub.view()

    def _identified(self, identity: Identity | None) -> Step:
        if identity is None:
            return Home()
        if not self.ctx.devices.camera:
            return message("face.camera_offline", actions=("counter_ticket", "home"), tone="warn")
        return self.view_face()

    def view_face(self) -> View:
        identity = self.ctx.session.identity
        # 人证比对 needs a verifier and the card's decoded photo; otherwise a photo for the file (拍照留档)
        verify = bool(self.ctx.devices.face_verifier and self.ctx.face is not None and identity is not None
                      and identity.photo)
        return View("face", {"countdown_s": 5 if self.ctx.elderly else 3, "verify": verify},
                    prompt="face.prompt.verify" if verify else "face.prompt")

    def on_face_verify(self, frames: Any) -> Step:
        """Frames (JPEG) from the face page in 人证比对 mode: compared with the ID card's photo."""
        identity, face = self.ctx.session.identity, self.ctx.face
        shots = [bytes(f) for f in frames or [] if f]
        if identity is None or not identity.photo or face is None or not shots:
            return self.view_face()
        reference = identity.photo
        return Work(run=lambda: face.verify(reference, shots), done=lambda r: self._face_checked(r, shots[-1]),
                    failed=self._face_unavailable, busy=View("busy", {"key": "busy.face"}), label="face_verify")

    def _face_checked(self, result: FaceResult, photo: bytes) -> Step:
        if not result.matched:
            key = {"not_live": "face.not_live", "no_face": "face.no_face"}.get(result.decision, "face.no_match")
            return message(key, actions=("face_retry", "counter_ticket", "home"), tone="warn")
        return self._face_taken(photo)

    def _face_unavailable(self, _exc: PortError) -> Step:
        return message("face.verify_unavailable", actions=("counter_ticket", "home"), tone="warn")

    def on_face_retry(self, _value: Any = None) -> Step:
        return self.view_face()

    def on_face_ok(self, photo: Any) -> Step:
        """A photo for the file (拍照留档); where 人证比对 is possible only a verified face goes on."""
        if self.view_face().data["verify"]:
            return self.view_face()
        return self._face_taken(photo)

    def _face_taken(self, photo: Any) -> Step:
        self.ctx.session.face_photos.append(bytes(photo))
        return Work(run=self.ctx.hall.catalogue, done=self._catalogue_loaded, failed=self._catalogue_failed,
                    busy=View("busy", {"key": "busy.loading"}), label="catalogue")

    def on_face_failed(self, _value: Any = None) -> Step:
        return message("face.camera_offline", actions=("counter_ticket", "home"), tone="warn")

    def on_counter_ticket(self, _value: Any = None) -> Step:
        return Goto("take_number")

    # -- catalogue and guide -------------------------------------------------------------------
    def _catalogue_loaded(self, items: list[ServiceItem]) -> Step:
        self.catalogue = Catalogue(items)
        return self.view_catalogue()

    def _catalogue_failed(self, exc: PortError) -> Step:
        return message("submit.no_catalogue", actions=("counter_ticket", "home"), tone="error")

    def view_catalogue(self) -> View:
        assert self.catalogue is not None
        results = [item_row(i) for i in self.catalogue.search(self.query)]
        return View("catalogue", {"query": self.query, "results": results}, prompt="catalogue.prompt")

    def on_search(self, text: Any) -> Step:
        self.query = str(text or "")[:32]
        return self.view_catalogue()

    def on_item(self, code: Any) -> Step:
        assert self.catalogue is not None
        item = self.catalogue.get(str(code))
        if item is None:
            return self.view_catalogue()
        self.item = item
        self.ctx.session.data["item"] = item.code
        return self.view_guide()

    def view_guide(self) -> View:
        item = self.item
        assert item is not None
        return View("guide", {
            **item_row(item), "conditions_zh": item.conditions_zh, "conditions_en": item.conditions_en,
            "materials": [self.material_row(m, status="") for m in item.materials],
            "legal_days": item.legal_days, "promised_days": item.promised_days,
            "fee_zh": item.fee_zh, "fee_en": item.fee_en, "self_service": item.form is not None},
            prompt="guide.prompt")

    def on_back_to_catalogue(self, _value: Any = None) -> Step:
        return self.view_catalogue()

    def on_start_form(self, _value: Any = None) -> Step:
        identity = self.ctx.session.identity
        assert identity is not None and self.item is not None
        if self.item.form is None:  # a form this kiosk cannot read: the counter takes the application
            return message("guide.counter_only", actions=("counter_ticket", "home"), tone="warn")
        return Work(run=lambda: self.ctx.hall.elicenses(identity.id_number, proof=identity.proof),
                    done=self._elicensed,
                    failed=lambda _e: self._elicensed(set()), busy=View("busy", {"key": "busy.elicense"}),
                    label="elicenses")

    def _elicensed(self, found: set[str]) -> Step:
        self.elicenses = set(found)
        return self.begin_form()

    def on_edit_materials(self, _value: Any = None) -> Step:
        return self.view_materials()

    # -- review, submit, receipt ---------------------------------------------------------------
    def view_review(self) -> View:
        item, identity = self.item, self.ctx.session.identity
        assert item is not None and identity is not None
        return View("review", {**item_row(item), "masked_id": mask_id_number(identity.id_number), "name": identity.name,
                               "fields": form_rules.review_rows(self.definition, self.ctx.session.form, self.locked),
                               "materials": self.material_rows(),
                               "signed": self.ctx.session.signature is not None}, prompt="review.prompt")

    def on_submit(self, _value: Any = None) -> Step:
        item, identity, s = self.item, self.ctx.session.identity, self.ctx.session
        assert item is not None and identity is not None
        # only what the form asks of this applicant now: no address unless the result goes by post
        sub = Submission(item_code=item.code, id_number=identity.id_number, name=identity.name,
                         form=form_rules.submitted(self.definition, s.form),
                         pages={k: list(v) for k, v in s.pages.items() if v},
                         elicensed=tuple(self.elicensed_ids()), waived=tuple(self.waived),
                         missing=tuple(m.id for m in self.missing()), signature=s.signature,
                         face_photo=s.face_photos[-1] if s.face_photos else None, proof=identity.proof)

        def run() -> Receipt:
            receipt = self.ctx.terminal.submit(sub)
            return qr.warm(receipt, receipt.follow_url or receipt.registration_code)

        return Work(run=run, done=self._submitted, failed=self._submit_failed,
                    busy=View("busy", {"key": "busy.submitting"}), label="submit")

    def _submit_failed(self, exc: PortError) -> Step:
        if isinstance(exc, Unavailable):
            return message("submit.outbox_full", actions=("counter_ticket", "home"), tone="error")
        if isinstance(exc, Refused):  # refused by the server in front of the citizen: say so, offer a counter
            why = f"submit.refused.{exc.detail.get('server_code', '')}"
            lines: tuple[tuple[str, dict[str, Any]], ...] = ((why, {}),) if has(self.ctx.lang, why) else ()
            return message("submit.refused", actions=("counter_ticket", "home"), tone="warn", lines=lines)
        return self.failed(exc)

    def _submitted(self, receipt: Receipt) -> Step:
        item, identity = self.item, self.ctx.session.identity
        assert item is not None and identity is not None
        self.ctx.session.data["receipt"] = receipt.registration_code
        by_id = {m.id: m for m in item.materials}
        received = [by_id[i] for i in [*self.captured_ids(), *self.elicensed_ids()] if i in by_id]
        if receipt.promised_date is None and item.promised_days:
            receipt = replace(receipt, promised_date=add_workdays(self.ctx.now().date(), item.promised_days))
        lang = self.ctx.lang if self.ctx.lang in layouts.LABELS else "zh_CN"
        info = layouts.ReceiptInfo(
            registration_code=receipt.registration_code,
            item_name=pick(lang, item.name_zh, item.name_en),
            id_number=mask_id_number(identity.id_number), accepted_at=receipt.submitted_at,
            promised_date=receipt.promised_date or receipt.submitted_at.date(), hall_name=self.ctx.hall_name(),
            received=printed_materials(lang, received),
            missing=printed_materials(lang, [by_id[i] for i in self.waived if i in by_id]),
            missing_deadline=receipt.missing_due)
        doc = layouts.receipt(info, lang=lang)

        def shown(printed: bool) -> Step:
            return View("receipt", {"code": receipt.registration_code, "offline": receipt.offline,
                                    "printed": printed, "follow_url": receipt.follow_url or receipt.registration_code,
                                    "promised": receipt.promised_date.isoformat() if receipt.promised_date else "",
                                    "due": receipt.missing_due.isoformat() if receipt.missing_due else "",
                                    "item_zh": item.name_zh, "item_en": item.name_en}, prompt="receipt.prompt")

        return self.print_then(doc, shown)

    def on_rate(self, _value: Any = None) -> Step:
        return Goto("rate", {"target": f"submission:{self.ctx.session.data.get('receipt', '')}"})

    def on_done(self, _value: Any = None) -> Step:
        return Home()
