"""The privacy scan: run the suite's citizen flows end to end, then read every file they produced and
look for full ID numbers, names and addresses outside the encrypted stores, and for the API tokens
(stored only as hashes). None may be found.

Run: a hall server process (DEBUG logs to a file, its own TMPDIR) on SQLite; the kiosk's flows
(kiosk/flows, the real machine) over the real adapters: the offline cache facade (encrypted outbox),
the hall client, a capture printer, the file document camera; cards read from the device twins — the
GA 467 emulator on a pty and a virtual social-security card behind real pcscd — with the suite's
logging set up to a file at DEBUG. Flows: take a number with the ID card and with the SS card, a
self-service submission online, another one while the server is down (delivered after it returns),
query, rating, appointment check-in by ID, the clerk opening the submission, the technician's
``devices read``. Then every file under the test's directories is scanned (logs, SQLite databases
with their WAL files, outbox attachments, blobs, print jobs, the kiosk's catalogue cache, temp files)
for each identity in the encodings it could take there: ASCII/UTF-8, UTF-16LE (GA 467 text), GB18030
(printer, SS card), JSON \\u escapes.

Allowed: the citizen's own receipt carries the masked ID (that is how receipts are made); the kiosk
screen shows the citizen their own name (a view, not a file). Material images are pictures: a name
inside a photographed page is not searchable text and is not looked for.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from config.logsetup import setup_logging
from devices.twins.id_card.identities import IDENTITIES
from tests.integration.offline_faults import terminal_settings
from tests.rigs import free_port
from tests.rigs.hall_server import ROOT, HallServer, sqlite_template, wait_healthy
from tests.rigs.waiting import budget, wait_until

if TYPE_CHECKING:
    from kiosk.adapters.devices import KioskDevices
    from kiosk.flows.machine import KioskMachine
    from offline_cache.terminal import Terminal

SS_HOLDER = {"name": "司马相如", "id_number": "510105197203150033"}  # fictitious; check digit valid


def _server(workdir: Path, port: int, tokens: dict[str, str]) -> HallServer:
    db = workdir / "hall.db"
    log_path = workdir / f"server-{time.monotonic_ns()}.out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(workdir / "tmp")}
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--set", 'logging.level="DEBUG"',
             "--set", f"logging.file={json.dumps(str(workdir / 'server.log'))}",
             "--set", f"server.data_dir={json.dumps(str(workdir / 'data'))}",
             "hall-server", "--db", f"sqlite:///{db}", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = HallServer(f"http://127.0.0.1:{port}", f"sqlite:///{db}", port, proc, log_path, dict(tokens))
    wait_healthy(server)
    return server


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    d = {name: tmp_path / name for name in ("server", "kiosk", "tmp")}
    for p in d.values():
        p.mkdir()
    (d["server"] / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d["tmp"]))
    monkeypatch.setenv("TMPDIR", str(d["tmp"]))
    setup_logging(level="DEBUG", file=d["kiosk"] / "kiosk.log")
    root = logging.getLogger()
    for handler in list(root.handlers):  # the file is what is scanned; DEBUG on stderr is only noise here
        if getattr(handler, "_hall_suite", False) and not isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
    yield d
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_hall_suite", False):
            root.removeHandler(handler)
            handler.close()


def _machine(settings: Any, server_url: str, token: str, drivers: dict[str, Any],
             kiosk_dir: Path) -> tuple[KioskMachine, Terminal, KioskDevices]:
    """The kiosk's flow machine on real adapters, with the outbox terminal and devices behind it."""
    from hall.client.http import HallClient
    from kiosk.adapters.devices import DocCameraPortAdapter, KioskDevices, PrinterPortAdapter, VoicePortAdapter
    from kiosk.adapters.hall import HallAdapter
    from kiosk.adapters.terminal import TerminalAdapter
    from kiosk.services import build_machine
    from offline_cache.factory import open_terminal

    devices = KioskDevices(None, drivers=drivers)
    for kind in drivers:  # only the handed-in twins (open_all would open the others from config)
        devices._start(kind)
    terminal = open_terminal(settings)
    services = SimpleNamespace(
        hall=HallAdapter(HallClient(server_url, token), timezone="Asia/Shanghai",
                         cache_file=kiosk_dir / "kiosk-cache.json"),
        terminal=TerminalAdapter(terminal, terminal_id="K1", base_url=server_url),
        printer=PrinterPortAdapter(devices), doc_camera=DocCameraPortAdapter(devices),
        voice=VoicePortAdapter(devices))
    machine = build_machine(settings, services)  # type: ignore[arg-type]  # a namespace with the same fields
    return machine, terminal, devices


def _id_record(reader: Any, card: str) -> Any:
    reader.place_card(card)
    try:
        return reader.read_once(timeout_s=budget(10))
    finally:
        reader.remove_card()


def _submit_flow(m: Any, record: Any) -> dict[str, Any]:
    from kiosk.flows.machine import settle

    settle(m, m.choose("submit"))
    v = settle(m, m.device_event("id_card", "card_placed", record))
    assert v.screen == "face", v
    v = settle(m, m.input("face_ok", b"\xff\xd8face\xff\xd9"))
    assert v.screen == "catalogue", v
    item = v.data["results"][0]["code"]
    v = settle(m, m.input("item", item))
    v = settle(m, m.input("start_form"))
    for _ in range(6):
        if v.screen != "form":
            break
        for field in v.data.get("errors") or []:
            settle(m, m.input("set_field", (field, "13800138000" if "phone" in field else "mail")))
        v = settle(m, m.input("form_next"))
    if v.screen == "materials":
        for row in v.data["rows"]:
            if row["status"] == "missing":
                settle(m, m.input("capture", row["id"]))
                settle(m, m.input("shoot"))
                settle(m, m.input("accept_pages"))
        v = settle(m, m.input("materials_next"))
    if v.screen == "notice":
        v = settle(m, m.input("commit"))
        v = settle(m, m.input("signed", b"\x89PNGsignature"))
    assert v.screen == "review", v
    v = settle(m, m.input("submit"))
    assert v.screen == "receipt", v
    data = dict(v.data)
    settle(m, m.input("rate"))
    settle(m, m.input("level", 2))
    settle(m, m.input("reason", "attitude"))
    settle(m, m.input("send"))
    settle(m, m.input("home"))
    return data


def _needles(identities: list[dict[str, str]]) -> dict[bytes, str]:
    out: dict[bytes, str] = {}
    for ident in identities:
        for field in ("id_number", "name", "address"):
            value = ident.get(field)
            if not value:
                continue
            label = f"{field} of a test identity"
            for enc in ("utf-8", "utf-16-le", "gb18030"):
                try:
                    out[value.encode(enc)] = f"{label} ({enc})"
                except UnicodeEncodeError:
                    pass
            out[json.dumps(value).strip('"').encode()] = f"{label} (JSON escaped)"
    return out


def _scan(roots: list[Path], needles: dict[bytes, str]) -> tuple[list[str], int, int]:
    found, files, size = [], 0, 0
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            files, size = files + 1, size + len(data)
            for needle, label in needles.items():
                if needle in data:
                    found.append(f"{path}: {label}")
    return found, files, size


def _scanner_finds_a_planted_needle(folder: Path, needles: dict[bytes, str]) -> None:
    """The scan itself is tested: a planted UTF-16 ID number and a GB18030 name are found."""
    canary = folder / "canary.bin"
    ident = IDENTITIES["resident"].fields
    canary.write_bytes(b"\0" * 7 + ident["id_number"].encode("utf-16-le") + ident["name"].encode("gb18030"))
    found, _, _ = _scan([folder], needles)
    canary.unlink()
    assert len(found) == 2, found


def test_no_personal_data_outside_the_encrypted_stores(dirs: dict[str, Path], pcsc_virtual_reader: Any,
                                                        record_property: Any) -> None:
    from devices.ss_card.pcsc_driver import PcscSocialSecurityReader
    from devices.twins.doc_camera.file_doc_camera import FileDocCamera
    from devices.twins.id_card.emulated import EmulatedGa467Reader
    from devices.twins.printer.capture import CapturePrinter
    from devices.twins.ss_card.card_model import Holder
    from hall.client.http import HallClient
    from kiosk.flows.machine import settle
    from tests.integration.ss_card_contract import read_when_present

    identities = [dict(IDENTITIES["resident"].fields), dict(IDENTITIES["resident_x"].fields), SS_HOLDER]
    needles = _needles(identities)
    _scanner_finds_a_planted_needle(dirs["tmp"], needles)
    template, tokens = sqlite_template()
    shutil.copyfile(template, dirs["server"] / "hall.db")
    # Bearer tokens are secrets too: the database keeps only their SHA-256, logs never print them.
    needles.update({token.encode(): f"{role} API token" for role, token in tokens.items()})
    port = free_port()
    server = _server(dirs["server"], port, tokens)
    settings = terminal_settings(dirs["kiosk"], server.url, tokens["terminal"], purge_grace_s=0)
    printer = CapturePrinter(status_poll_s=0)
    id_reader = EmulatedGa467Reader(card=None, poll_interval_s=0.05)
    m, raw_terminal, devices = _machine(settings, server.url, tokens["terminal"],
                                        {"printer": printer, "doc_camera": FileDocCamera()}, dirs["kiosk"])
    ss_reader = PcscSocialSecurityReader(reader=pcsc_virtual_reader.reader_name, poll_interval_s=0.1)
    try:
        id_reader.open()
        resident, young = _id_record(id_reader, "resident"), _id_record(id_reader, "resident_x")
        # 1. a number with the ID card, and with the social-security card
        settle(m, m.choose("take_number"))
        settle(m, m.input("category", "A"))
        v = settle(m, m.device_event("id_card", "card_placed", resident))
        assert v.screen == "ticket" and not v.data["offline"], v
        settle(m, m.input("done"))
        pcsc_virtual_reader.insert(generation="2.0", holder=Holder(**SS_HOLDER))
        ss_reader.open()
        ss_record = read_when_present(ss_reader)
        settle(m, m.choose("take_number"))
        settle(m, m.input("category", "B"))
        v = settle(m, m.device_event("ss_card", "card_placed", ss_record))
        assert v.screen == "ticket", v
        settle(m, m.input("done"))
        # 2. a submission online, then query and check-in by identity
        online = _submit_flow(m, young)
        assert not online["offline"]
        settle(m, m.choose("query"))
        settle(m, m.device_event("id_card", "card_placed", young))
        settle(m, m.input("home"))
        settle(m, m.choose("checkin"))
        settle(m, m.device_event("id_card", "card_placed", resident))
        settle(m, m.input("home"))
        # 3. the server goes away: an offline submission, delivered once it is back
        server.stop()
        offline = _submit_flow(m, resident)
        assert offline["offline"] and offline["code"].startswith("L")
        server = _server(dirs["server"], port, tokens)
        wait_until(lambda: raw_terminal.backlog().backlog == 0, timeout_s=60, what="the backlog delivered")
        # 4. the clerk opens the submission (decrypted for the clerk's screen, never for a file)
        clerk = HallClient(server.url, tokens["clerk"])
        detail = clerk.request("GET", f"/submissions/{online['code']}/detail")
        assert detail["applicant"]["name"] == "欧阳娜娜"
        # 5. the technician reads a card from the command line (masked unless --reveal)
        tech = subprocess.run([sys.executable, str(ROOT / "main.py"), "--set", 'logging.level="DEBUG"',
                               "--set", f"logging.file={json.dumps(str(dirs['kiosk'] / 'technician.log'))}",
                               "devices", "read", "id_card", "--timeout", "10"],
                              cwd=ROOT, capture_output=True, timeout=budget(60),
                              env={**os.environ, "TMPDIR": str(dirs["tmp"])})
        (dirs["kiosk"] / "technician.out").write_bytes(tech.stdout + tech.stderr)
        # Mid-run, with both SQLite databases open: their WAL files hold the newest pages.
        found_live, files_live, _ = _scan(list(dirs.values()), needles)
        assert any(p.name.endswith("-wal") for d in dirs.values() for p in d.rglob("*")), "no WAL file seen"
        # Purge what the cache may purge now (grace 0), as `python main.py cache purge` does.
        raw_terminal.outbox.purge(grace_s=0)
    finally:
        ss_reader.close()
        raw_terminal.close()
        devices.close_all()
        id_reader.release()
        server.stop()
    (dirs["kiosk"] / "print-jobs.bin").write_bytes(b"".join(job.data for job in printer.jobs))
    assert len(printer.jobs) >= 4

    found, files, size = _scan(list(dirs.values()), needles)
    record_property("files_scanned", files + files_live)
    record_property("bytes_scanned", size)
    print(f"privacy scan: {files_live} files mid-run, {files} files ({size} bytes) at the end, "
          f"{len(needles)} needles, {len(found_live) + len(found)} found")
    assert files >= 10
    assert not found_live + found, "\n".join(found_live + found)
    assert tech.returncode == 0 and b"110101********" in tech.stdout
    # The receipts did print, with the masked ID.
    assert b"440106********002X" in (dirs["kiosk"] / "print-jobs.bin").read_bytes()
