"""Export bundles: sealed with a passphrase, no personal data in clear, importable elsewhere under the
same keys, refused when the passphrase is wrong or the clear metadata was altered."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from offline_cache.crypto import Cipher
from offline_cache.errors import BundleError, DecryptFailed, PassphraseMissing
from offline_cache.export import export_records, import_records, read_bundle, read_passphrase
from offline_cache.states import State
from offline_cache.store import Attachment, Outbox, Ref
from tests.unit.offline_cache.conftest import OutboxFactory

ID_NUMBER = "11010519491231002X"
NAME = "张三"
PASS = "correct horse battery staple"
IMAGE = b"\xff\xd8\xff\xe0" + b"a material image that must not leak" * 20


def _dead_submission(outbox: Outbox) -> str:
    body = {"item_code": "A-001", "id_number": ID_NUMBER, "name": NAME,
            "materials": [{"requirement": "id_card", "file": "id_card"}]}
    rec = outbox.add("submission", body, files=[Attachment(IMAGE, name="id.jpg", part="id_card")],
                     ref=Ref("code", "local_code"))
    [claimed] = outbox.claim(1)
    outbox.kill(claimed.key, error="validation")
    return rec.key


def _other(make_outbox: OutboxFactory, tmp_path: Path) -> Outbox:
    return make_outbox(db_path=tmp_path / "other" / "outbox.db", attachments_dir=tmp_path / "other" / "files",
                       cipher=Cipher(os.urandom(32)))


def test_dead_records_travel_sealed_and_arrive_intact(outbox: Outbox, make_outbox: OutboxFactory,
                                                       tmp_path: Path) -> None:
    key = _dead_submission(outbox)
    outbox.add("ticket", {"category": "A", "id_number": ID_NUMBER})  # pending: not in a dead export
    bundle = tmp_path / "dead.json"
    summary = export_records(outbox, bundle, passphrase=PASS)
    assert [r["key"] for r in summary.records] == [key] and summary.states == ("dead",)
    raw = bundle.read_bytes()
    assert oct(bundle.stat().st_mode & 0o777) == "0o600"
    for secret in (ID_NUMBER.encode(), NAME.encode(), json.dumps(NAME).encode(), IMAGE[:40],
                   base64.b64encode(IMAGE)[:40]):
        assert secret not in raw
    assert outbox.get(key).state is State.DEAD  # exporting leaves the record where it was

    other = _other(make_outbox, tmp_path)
    result = import_records(other, bundle, passphrase=PASS)
    assert [r["key"] for r in result.records] == [key] and result.skipped == ()
    rec = other.get(key)
    original = outbox.get(key)
    assert (rec.state, rec.kind, rec.last_error, rec.local_ref) == (State.DEAD, "submission", "validation",
                                                                     original.local_ref)
    assert other.body(key) == outbox.body(key)
    [(meta, data)] = other.file_data(key)
    assert data == IMAGE and meta["part"] == "id_card"
    assert other.retry_dead([key]) == 1  # the technician there can send it (same key: the server dedups)
    again = import_records(other, bundle, passphrase=PASS)
    assert again.records == () and again.skipped == (key,)


def test_unsent_export_and_pending_import(outbox: Outbox, make_outbox: OutboxFactory, tmp_path: Path) -> None:
    dead = _dead_submission(outbox)
    ticket = outbox.add("ticket", {"category": "A"}, ref=Ref("ticket", "offline_number", "A"))
    bundle = tmp_path / "unsent.json"
    export_records(outbox, bundle, passphrase=PASS, states=(State.DEAD, State.PENDING, State.IN_FLIGHT))
    other = _other(make_outbox, tmp_path)
    import_records(other, bundle, passphrase=PASS)
    assert other.get(ticket.key).state is State.PENDING and other.get(dead).state is State.DEAD
    assert other.body(ticket.key)["offline_number"] == "K1-A001"
    with pytest.raises(BundleError):
        export_records(outbox, bundle, passphrase=PASS, states=(State.ACKED,))


def test_wrong_passphrase_or_altered_metadata_stores_nothing(outbox: Outbox, make_outbox: OutboxFactory,
                                                             tmp_path: Path) -> None:
    _dead_submission(outbox)
    bundle = tmp_path / "dead.json"
    export_records(outbox, bundle, passphrase=PASS)
    other = _other(make_outbox, tmp_path)
    with pytest.raises(DecryptFailed):
        import_records(other, bundle, passphrase="not the passphrase at all")
    doc = json.loads(bundle.read_text())
    doc["records"][0]["meta"]["state"] = "pending"  # try to smuggle a dead record into the queue
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(doc))
    with pytest.raises(DecryptFailed):
        import_records(other, altered, passphrase=PASS)
    assert other.records() == []
    (tmp_path / "junk.json").write_text('{"format": "zip"}')
    with pytest.raises(BundleError):
        read_bundle(tmp_path / "junk.json")


def test_passphrase_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outbox: Outbox) -> None:
    monkeypatch.delenv("HALL_EXPORT_PASSPHRASE", raising=False)
    with pytest.raises(PassphraseMissing) as info:
        read_passphrase(None)
    assert info.value.code == "cache.passphrase"
    monkeypatch.setenv("HALL_EXPORT_PASSPHRASE", PASS)
    assert read_passphrase(None) == PASS
    (tmp_path / "pass").write_text("a different one, long enough\n")
    assert read_passphrase(str(tmp_path / "pass")) == "a different one, long enough"
    with pytest.raises(PassphraseMissing):
        export_records(outbox, tmp_path / "x.json", passphrase="short")
