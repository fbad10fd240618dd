"""Nothing personal lands on disk in plain text: database, WAL, attachments, CLI listings."""

from __future__ import annotations

import json
from pathlib import Path

from offline_cache.states import State
from offline_cache.store import Attachment, Outbox, Ref

ID_NUMBER = "110101199003071234"
NAME = "欧阳娜娜"
ADDRESS = "北京市东城区景山前街4号"


def _needles() -> list[bytes]:
    out = [ID_NUMBER.encode(), ID_NUMBER[6:14].encode()]
    for text in (NAME, ADDRESS):
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("gb18030"),
                json.dumps(text).strip('"').encode()]  # the \\uXXXX form a JSON encoder may write
    return out


def _scan(root: Path) -> list[str]:
    hits = []
    for file in root.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            hits += [f"{file.name}: {needle!r}" for needle in _needles() if needle in data]
    return hits


def test_database_and_attachments_hold_no_plain_personal_data(outbox: Outbox, tmp_path: Path) -> None:
    applicant = {"id_number": ID_NUMBER, "name": NAME, "address": ADDRESS}
    page = f"居民身份证 {NAME} {ID_NUMBER} {ADDRESS}".encode() * 50
    sub = outbox.add("submission", {"item": "SB001", "applicant": applicant},
                     files=[Attachment(page, name="id_copy.jpg"), Attachment(page[::-1])],
                     ref=Ref("code", "local_code"))
    tick = outbox.add("ticket", {"category": "A", "id_number": ID_NUMBER}, ref=Ref("ticket", "offline_number", "A"))
    outbox.add("rating", {"level": 1, "comment": f"{NAME}说等太久"})
    outbox.claim(1)
    outbox.ack(sub.key, response={"registration_code": "2026112200A7K3", "applicant": applicant})
    outbox.claim(1)
    outbox.kill(tick.key, error="ticket.invalid")
    # Sanity: the data is really there, just not readable without the key.
    assert outbox.body(sub.key)["applicant"]["name"] == NAME
    assert outbox.file_data(sub.key)[0][1] == page
    assert outbox.records(state=State.DEAD)
    assert _scan(tmp_path) == []  # db, -wal, -shm and every attachment file
    with outbox.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _scan(tmp_path) == []


def test_public_views_hold_no_personal_data(outbox: Outbox) -> None:
    outbox.add("submission", {"applicant": {"id_number": ID_NUMBER, "name": NAME}}, ref=Ref("code", "local_code"))
    text = json.dumps([r.public() for r in outbox.records()], ensure_ascii=False) + repr(outbox.records())
    text += json.dumps(outbox.stats().public())
    assert ID_NUMBER not in text and NAME not in text
    assert repr(Attachment(ID_NUMBER.encode(), name="a.jpg")).count(ID_NUMBER) == 0
