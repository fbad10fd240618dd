"""``python main.py cache …`` as a technician runs it: JSON out, no personal data, dead records exported
from one terminal and imported on another, errors as ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config import load_settings
from offline_cache.factory import open_outbox
from offline_cache.store import Attachment, Ref
from tests.rigs.hall_server import run_main
from tests.rigs.proofs import card_proof

ID_NUMBER = "11010519491231002X"
NAME = "张三"


def _overrides(folder: Path, prefix: str) -> list[str]:
    values = {"cache.db_path": folder / "outbox.db", "cache.attachments_dir": folder / "files",
              "cache.key_file": folder / "outbox.key"}
    sets = [f'{k}="{v}"' for k, v in values.items()] + [f"terminal.offline_prefix={prefix}",
                                                        'hall.server_url="http://127.0.0.1:9"']
    return [arg for s in sets for arg in ("--set", s)]


def _cache(folder: Path, prefix: str, *args: str) -> tuple[int, dict[str, Any], str]:
    done = run_main(*_overrides(folder, prefix), "cache", *args)
    return done.returncode, json.loads(done.stdout), done.stdout


def _dead_submission(folder: Path, prefix: str) -> str:
    sets = _overrides(folder, prefix)
    outbox = open_outbox(load_settings(None, [sets[i + 1] for i in range(0, len(sets), 2)]))
    try:
        body = {"item_code": "A-001", "id_number": ID_NUMBER, "proof": card_proof(ID_NUMBER), "name": NAME,
                "materials": [{"requirement": "id_card", "file": "id_card"}]}
        rec = outbox.add("submission", body, files=[Attachment(b"\xff\xd8\xff photo", part="id_card")],
                         ref=Ref("code", "local_code"))
        [claimed] = outbox.claim(1)
        outbox.kill(claimed.key, error="item.not_found")
        return rec.key
    finally:
        outbox.close()


def test_export_on_one_terminal_import_on_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new, bundle = tmp_path / "old", tmp_path / "new", tmp_path / "dead.bundle"
    key = _dead_submission(old, "K1")
    monkeypatch.setenv("HALL_EXPORT_PASSPHRASE", "hall back office 2026")
    code, out, text = _cache(old, "K1", "export", "--output", str(bundle))
    assert code == 0, text
    assert out["exported"]["count"] == 1 and out["exported"]["records"][0]["key"] == key
    for secret in (ID_NUMBER, NAME, json.dumps(NAME)):
        assert secret not in text and secret.encode() not in bundle.read_bytes()

    monkeypatch.delenv("HALL_EXPORT_PASSPHRASE")
    code, out, _ = _cache(new, "K2", "import", "--input", str(bundle))
    assert code == 2 and out["error"]["code"] == "cache.passphrase"  # bad input
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text("hall back office 2026\n")
    code, out, text = _cache(new, "K2", "import", "--input", str(bundle), "--passphrase-file", str(passphrase_file))
    assert code == 0, text
    assert out["imported"]["count"] == 1
    code, out, text = _cache(new, "K2", "list", "--state", "dead")
    assert [(r["key"], r["last_error"]) for r in out["records"]] == [(key, "item.not_found")]
    assert ID_NUMBER not in text and NAME not in text
    code, out, _ = _cache(new, "K2", "status")
    assert code == 0 and out["dead"] == 1 and out["backlog"] == 0


def test_export_refuses_a_wrong_passphrase_on_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dead_submission(tmp_path / "a", "K1")
    monkeypatch.setenv("HALL_EXPORT_PASSPHRASE", "the first passphrase")
    assert _cache(tmp_path / "a", "K1", "export", "--output", str(tmp_path / "b.json"))[0] == 0
    monkeypatch.setenv("HALL_EXPORT_PASSPHRASE", "another passphrase entirely")
    code, out, _ = _cache(tmp_path / "c", "K3", "import", "--input", str(tmp_path / "b.json"))
    assert code == 2 and out["error"]["code"] == "cache.decrypt"  # a wrong passphrase is bad input


def test_exit_codes_scripts_can_trust(tmp_path: Path) -> None:
    """Issue 17 item 6 for ``cache``: 0 done, 1 fault, 2 bad input, 3 server unreachable."""
    folder = tmp_path / "t"
    key = _dead_submission(folder, "K1")
    code, out, _ = _cache(folder, "K1", "sync")  # the server at 127.0.0.1:9 is unreachable
    assert code == 3 and out["online"] is False
    code, out, _ = _cache(folder, "K1", "retry", "no-such-key")
    assert code == 2 and out["retried"] == 0 and out["error"]["keys"] == [{"key": "no-such-key",
                                                                          "reason": "no such record"}]
    assert _cache(folder, "K1", "list", "--state", "dead")[1]["records"][0]["state"] == "dead"  # untouched
    code, out, _ = _cache(folder, "K1", "export", "--output", str(tmp_path / "not-mounted" / "x.bundle"))
    assert code == 2 and out["error"]["code"] == "cache.target_missing" and "not-mounted" in out["error"]["message"]
    code, out, _ = _cache(folder, "K1", "retry", key)
    assert code == 0 and out["retried"] == 1
    code, out, _ = _cache(folder, "K1", "list")
    assert out["records"][0]["created_at"].endswith("+08:00")  # local ISO time, not an epoch number
