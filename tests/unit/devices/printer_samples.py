"""Fixed sample documents for the printer tests (fixed times, so bytes are reproducible)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from devices.printer.document import Document
from devices.printer.layouts import Material, NoticeInfo, ReceiptInfo, TicketInfo, notice, receipt, ticket

AT = datetime(2024, 5, 6, 1, 30, tzinfo=UTC)  # 09:30 in the hall (Asia/Shanghai)
ID_NUMBER = "110101199003071234"

TICKET = TicketInfo(
    number="A023", category="社保医保", people_ahead=5, estimated_wait_min=15, issued_at=AT,
    follow_url="https://hall.example.gov.cn/q/A023?d=20240506", hall_name="朝阳区政务服务中心", priority="长者优先",
)
RECEIPT = ReceiptInfo(
    registration_code="1101052024050600017", item_name="城乡居民基本养老保险参保登记", id_number=ID_NUMBER,
    accepted_at=AT, promised_date=date(2024, 5, 20), hall_name="朝阳区政务服务中心",
    received=(Material("居民身份证", "原件 1 份"), Material("户口簿", "复印件 1 份")),
    missing=(Material("银行卡（社保卡）复印件", "1 份"),), missing_deadline=date(2024, 5, 13),
)
NOTICE = NoticeInfo(
    item_name="城乡居民基本养老保险参保登记",
    missing=(Material("银行卡（社保卡）复印件", "1 份"), Material("近期一寸免冠照片", "2 张"),
             Material("委托书", "代办时提供")),
    issued_at=AT, hall_name="朝阳区政务服务中心", deadline=date(2024, 5, 13),
    registration_code="1101052024050600017", phone="010-12345678",
)


def samples() -> dict[str, Document]:
    return {"ticket": ticket(TICKET), "receipt": receipt(RECEIPT), "notice": notice(NOTICE),
            "ticket_en": ticket(TICKET, lang="en")}
