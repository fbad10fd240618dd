"""In-memory stand-ins for the hall and outbox, so flow logic can be walked without a server.

Only the collaborators are simulated here; the flows under test are the real code. The e2e tests
(tests/e2e/test_kiosk_*.py) run the same flows against a real server process and device twins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from devices.id_card.record import IdCardRecord
from devices.id_card.text import build_text
from devices.printer.render import render
from devices.ss_card.protocol import SsCardRecord
from hall.forms import parse_form
from kiosk.flows.base import Devices, FlowContext
from kiosk.flows.idnumber import check_char
from kiosk.flows.ports import (
    Appointment,
    Case,
    CaseStatus,
    Category,
    CheckIn,
    Company,
    Material,
    NotFound,
    Opening,
    PortError,
    PrinterFault,
    Receipt,
    Refused,
    ServiceItem,
    Submission,
    Ticket,
    Unavailable,
)
from kiosk.flows.session import Session

TZ = ZoneInfo("Asia/Shanghai")
ELDER_ID = "11010119480307" + "123"
ELDER_ID += check_char(ELDER_ID)
YOUNG_ID = "44010620010815" + "002"
YOUNG_ID += check_char(YOUNG_ID)


def id_card(id_number: str = YOUNG_ID, name: str = "欧阳娜娜") -> IdCardRecord:
    return IdCardRecord(card_type="resident", name=name, sex_code="2", sex="女", nation_code="01", nation="汉",
                        birth_date=date(2001, 8, 15), address="广东省广州市天河区天河路385号", id_number=id_number,
                        issuer="广州市公安局", valid_from=date(2019, 1, 1), valid_until=date(2029, 1, 1),
                        id_number_valid=True, photo_wlt=bytes(range(256)) * 4,
                        text_raw=build_text("", {"name": name, "sex": "2", "nation": "01", "birth": "20010815",
                                                 "address": "广东省广州市天河区天河路385号", "id_number": id_number,
                                                 "issuer": "广州市公安局", "valid_from": "20190101",
                                                 "valid_until": "20290101"}))


def ss_card(id_number: str = ELDER_ID, *, holder: bool = True) -> SsCardRecord:
    return SsCardRecord(card_number="A12345678", card_version="2.00" if holder else "3.00", region_code="110100",
                        card_id="1101" * 8, holder_data="read" if holder else "needs_psam", atr=b"\x3b",
                        name="张伟" if holder else None, id_number=id_number if holder else None)


COMPANY_FORM = parse_form({"applicants": ["person", "legal_person"], "fields": [
    {"key": "phone", "label": {"zh": "联系电话", "en": "Mobile phone"}, "type": "mobile"},
    {"key": "kind", "label": {"zh": "变更类型", "en": "What changes"}, "type": "choice",
     "options": [{"value": "name", "label": {"zh": "名称变更", "en": "Name"}},
                 {"value": "address", "label": {"zh": "住所变更", "en": "Address"}}]},
    {"key": "new_address", "label": {"zh": "新住所", "en": "New address"}, "type": "text", "max_len": 100,
     "when": {"field": "kind", "equals": "address"}},
    {"key": "change_date", "label": {"zh": "变更日期", "en": "Date of change"}, "type": "date"},
    {"key": "staff", "label": {"zh": "从业人数", "en": "Staff"}, "type": "number", "min": 1, "max": 100000,
     "applicant": "legal_person"}]})
# a credit code with a valid GB 32100 check character, and the company its business licence names
CREDIT_CODE = "91350100M000100Y43"
COMPANIES = {CREDIT_CODE: Company(CREDIT_CODE, "福州示范科技有限公司", "林小华", ("business_licence",))}

ITEMS = [
    ServiceItem("SB-001", "社会保障卡申领", "Social security card application", "A",
                conditions_zh="本市参保人员", conditions_en="Insured in this city",
                materials=(Material("id", "居民身份证", "Resident ID card", original=True, elicense="id_card"),
                           Material("photo", "近期免冠照片", "Recent photo", waivable=True),
                           Material("form", "申领登记表", "Application form", waivable=True)),
                legal_days=20, promised_days=5, fee_zh="免费", fee_en="Free", commitment_allowed=True,
                form=parse_form({"fields": [
                    {"key": "name", "label": {"zh": "姓名", "en": "Name"}, "prefill": "name", "locked": True,
                     "required": False},
                    {"key": "phone", "label": {"zh": "联系电话", "en": "Phone"}, "type": "mobile"},
                    {"key": "delivery", "label": {"zh": "领取方式", "en": "Collection"}, "type": "choice",
                     "options": [{"value": "hall", "label": {"zh": "大厅领取", "en": "At the hall"}},
                                 {"value": "mail", "label": {"zh": "邮寄", "en": "By post"}}]}]})),
    ServiceItem("GJJ-002", "住房公积金提取", "Housing fund withdrawal", "B",
                materials=(Material("contract", "购房合同", "Purchase contract", original=True),),
                legal_days=10, promised_days=3),
    ServiceItem("HJ-003", "户口迁移", "Household registration transfer", "C", legal_days=15, promised_days=7),
    # a company may apply too: its block first, then a choice that asks a free-text address, and a date
    ServiceItem("QY-004", "企业变更登记", "Company change registration", "B", legal_days=15, promised_days=3,
                form=COMPANY_FORM),
    ServiceItem("QY-005", "分支机构备案", "Branch filing", "B", form=parse_form({
        "applicants": ["legal_person"], "fields": [{"key": "phone", "label": "联系电话", "type": "mobile"}]})),
    # a definition this kiosk cannot read (a newer server's format): offered at a counter only
    ServiceItem("XX-006", "新版表单事项", "Item with a newer form", "B", form=None),
]


@dataclass
class FakeHall:
    open: bool = True
    online: bool = True
    full: set[str] = field(default_factory=set)
    licences: dict[str, set[str]] = field(default_factory=lambda: {YOUNG_ID: {"id_card"}, ELDER_ID: {"id_card"}})

    def _up(self) -> None:
        if not self.online:
            raise Unavailable()

    def categories(self) -> list[Category]:
        return [Category("A", "社保业务", "Social insurance", 4, 600, full="A" in self.full,
                         full_reason="daily_cap" if "A" in self.full else ""),
                Category("B", "公积金业务", "Housing fund", 1, 120),
                Category("F", "办不成事", "Couldn't get it done", 0, 0)]

    def opening(self) -> Opening:
        return Opening(self.open, "08:30")

    def catalogue(self) -> list[ServiceItem]:
        return list(ITEMS)

    proofs: list[dict[str, Any] | None] = field(default_factory=list)
    refuse_proofs: bool = False

    def _proven(self, proof: dict[str, Any] | None) -> None:
        # like the hall server: personal data only with a proof of identity
        self.proofs.append(proof)
        if proof is None or self.refuse_proofs:
            raise PortError(code="kiosk.rejected", detail={"server_code": "identity.proof_required"})

    def elicenses(self, id_number: str, *, proof: dict[str, Any] | None = None) -> set[str]:
        self._up()
        self._proven(proof)
        return set(self.licences.get(id_number, set()))

    companies: dict[str, Company] = field(default_factory=lambda: dict(COMPANIES))
    asked_companies: list[str] = field(default_factory=list)

    def company(self, credit_code: str, *, id_number: str, proof: dict[str, Any] | None = None) -> Company:
        self._up()
        self._proven(proof)  # like the hall server: for a person who proved who they are
        self.asked_companies.append(credit_code)
        if credit_code not in self.companies:
            raise NotFound()
        return self.companies[credit_code]

    def cases(self, *, id_number: str | None = None, code: str | None = None,
              proof: dict[str, Any] | None = None) -> list[Case]:
        self._up()
        if code is None:
            self._proven(proof)
        t = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
        case = Case("2026112000A7K3", "社会保障卡申领", "Social security card application", "reviewing",
                    (CaseStatus("received", t), CaseStatus("reviewing", t + timedelta(hours=2))), date(2026, 11, 27))
        if code == case.registration_code or id_number == YOUNG_ID:
            return [case]
        return []

    def mark_full(self, code: str, reason: str) -> None:
        self.full.add(code)

    def resolve_service_code(self, text: str) -> dict[str, str]:
        self._up()
        if text == "SVC-TOKEN-OK":
            return {"id_number": YOUNG_ID, "name": "欧阳娜娜", "proof": "HIP1.service_code.test"}
        if text.startswith("HSC1.old"):
            raise NotFound(detail={"server_code": "service_code.expired"})
        raise NotFound()


@dataclass
class FakeTerminal:
    online: bool = True
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refuse: dict[str, Any] | None = None
    counter: int = 0

    def issue_ticket(self, category: str, *, id_number: str | None = None, priority: str | None = None) -> Ticket:
        self.calls.append(("issue_ticket", {"category": category, "id_number": id_number, "priority": priority}))
        if self.refuse:
            raise Refused(code=self.refuse["code"], detail=self.refuse)
        self.counter += 1
        number = f"{category}{self.counter:03d}" if self.online else f"K1-{category}{self.counter:03d}"
        # like the server: a citizen of 70 or more who identified gets elderly priority (online only)
        granted = priority or ("elderly" if id_number == ELDER_ID and self.online else "")
        if not self.online:  # an offline ticket has no queue position or estimate
            return Ticket(number, category, 0, 0, "", offline=True, priority=priority or "")
        return Ticket(number, category, 3, 540, "http://hall/t/abc", priority=granted)

    def check_in(self, *, code: str | None = None, id_number: str | None = None) -> CheckIn:
        self.calls.append(("check_in", {"code": code, "id_number": id_number}))
        start = datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
        if code == "EAR1Y1234":
            raise Refused(detail={"reason": "early", "slot": "14:00–14:30", "category": "A"})
        appt = Appointment(code or "BYID000001", "A", start, start + timedelta(minutes=30), "社保卡申领", "SS card")
        return CheckIn(appt, Ticket("A101", "A", 0, 60, "http://hall/t/x", priority="appointment"))

    def submit(self, submission: Submission) -> Receipt:
        self.calls.append(("submit", {"submission": submission}))
        return Receipt("2026112200A7K3" if self.online else "LK120261122001AB", submission.item_code,
                       datetime(2026, 11, 22, 10, 5, tzinfo=TZ), date(2026, 11, 27),
                       missing_due=date(2026, 12, 2) if submission.waived else None, offline=not self.online)

    def rate(self, *, level: int, reasons: list[str], comment: str, target: str) -> None:
        self.calls.append(("rate", {"level": level, "reasons": reasons, "comment": comment, "target": target}))

    def help_call(self, *, reason: str, detail: str = "") -> bool:
        self.calls.append(("help_call", {"reason": reason, "detail": detail}))
        return self.online  # the outbox delivers at once only while the server is reachable

    def is_online(self) -> bool:
        return self.online

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


@dataclass
class FakePrinter:
    paper_out: bool = False
    printed: list[bytes] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def print_document(self, document: Any) -> None:
        if self.paper_out:
            raise PrinterFault(code="device.printer.paper_out")
        self.printed.append(render(document, paper_mm=80))  # the real ESC/POS renderer
        self.kinds.append(document.kind)


@dataclass
class FakeDocCamera:
    pages: int = 0

    def capture_page(self) -> bytes:
        self.pages += 1
        return b"\xff\xd8page%d\xff\xd9" % self.pages


@dataclass
class FakeVoice:
    said: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.said.append(text)


@dataclass
class FakeContext(FlowContext):
    """A FlowContext whose collaborators are the fakes above, so tests can reach into them."""

    hall: FakeHall
    terminal: FakeTerminal
    printer: FakePrinter
    doc_camera: FakeDocCamera
    voice: FakeVoice


def make_context(**devices: bool) -> FakeContext:
    return FakeContext(session=Session(), hall=FakeHall(), terminal=FakeTerminal(), printer=FakePrinter(),
                       doc_camera=FakeDocCamera(), voice=FakeVoice(), devices=Devices(**devices),
                       hall_zh="示范区政务服务中心", hall_en="Demo Hall", fallback_category="F",
                       clock=lambda: datetime(2026, 11, 22, 10, 0, tzinfo=TZ))
