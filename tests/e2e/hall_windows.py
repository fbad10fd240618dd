"""Helpers for the counter, evaluator and display e2e tests: windows on a real server, closed after."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from config import load_settings
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import hall_today
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget, citizen_budget_under_load, qt_wait_until


def settings_for(server: HallServer, tmp_path: Path, *extra: str) -> Any:
    return citizen_budget_under_load(load_settings(overrides=[
        f'hall.server_url="{server.url}"', f'terminal.token="{server.tokens["terminal"]}"',
        'terminal.id="P5"', 'terminal.offline_prefix="P5"',
        'devices.voice.driver="wav"', f'devices.voice.output_dir="{tmp_path / "voice"}"', "devices.voice.repeat=2",
        f'cache.db_path="{tmp_path / "outbox.db"}"', f'cache.attachments_dir="{tmp_path / "outbox-files"}"',
        f'cache.key_file="{tmp_path / "outbox.key"}"', 'cache.key_env="HALL_TEST_NO_SUCH_KEY"', *extra]))


def api(server: HallServer, method: str, path: str, role: str, *, headers: dict[str, str] | None = None,
        **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{server.url}/api/v1{path}", timeout=budget(10),
                         headers={"Authorization": f"Bearer {server.tokens[role]}", **(headers or {})}, **kwargs)


def issue(server: HallServer, category: str, **body: Any) -> dict[str, Any]:
    # A priority the server does not derive comes from staff only (docs/security.md).
    role = "clerk" if "priority" in body else "terminal"
    r = api(server, "POST", "/tickets", role, json={"category": category, **body})
    assert r.status_code == 201, r.text
    return dict(r.json())


def announcements(tmp_path: Path) -> list[dict[str, Any]]:
    log = tmp_path / "voice" / "announcements.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()]


def page_png(text: str = "TITLE") -> bytes:
    """A small captured-page image (what the kiosk's document camera would upload)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (420, 300), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, 410, 290), outline="black", width=3)
    draw.text((40, 130), text, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def submit_for_ticket(server: HallServer, ticket_id: int, *, item_code: str = "D-001",
                      form: dict[str, str] | None = None, material: str = "sale_contract") -> dict[str, Any]:
    """A kiosk submission for the ticket: by default 存量房转移登记 with the standard form's answers."""
    data = {"item_code": item_code, "id_number": "110101199003071233", "proof": card_proof("110101199003071233"),
            "name": "张三",
            "form": form if form is not None else STANDARD_ANSWERS, "ticket_id": ticket_id,
            "materials": [{"requirement": "id_card", "elicense": True}, {"requirement": material, "file": "f0"}]}
    r = api(server, "POST", "/submissions", "terminal", data={"data": json.dumps(data, ensure_ascii=False)},
            files={"f0": ("contract.png", page_png("CONTRACT"), "image/png")})
    assert r.status_code == 201, r.text
    return dict(r.json())


def press(qtbot: Any, win: Any, key: Any) -> None:
    """F-keys are window shortcuts: they act while the counter window is the active one, as on a desk."""
    win.activateWindow()
    qt_wait_until(qtbot, win.isActiveWindow, timeout=3000)
    qtbot.keyClick(win, key)


def working_today(db_url: str) -> None:
    """Today becomes a working day (调休) when it falls on a weekend: the counter shows today's slots."""
    today = hall_today()
    if today.weekday() < 5:
        return
    from hall.server.calendar.service import store
    from hall.server.core.db import Database
    from hall.server.domain.holidays import parse_holiday_csv

    db = Database(db_url)
    try:
        store(db, parse_holiday_csv(f"日期,类型,名称\n{today.isoformat()},班,测试调休\n"))
    finally:
        db.dispose()


def working_day_server(tmp_path: Path) -> Iterator[HallServer]:
    """For a fixture: :func:`start_on_a_working_day`, stopped after the test."""
    hall = start_on_a_working_day(tmp_path)
    yield hall
    hall.stop()


def counter_window(qtbot: Any, server: HallServer, tmp_path: Path, window: int) -> Iterator[Any]:
    """For a fixture: the counter program of ``window`` against ``server``, shown, shut down after."""
    from hall.counter.app import build_counter

    win = build_counter(settings_for(server, tmp_path), window=window)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown()


def start_on_a_working_day(tmp_path: Path) -> HallServer:
    """A server on a copy of the seeded template with today made a working day (slots to show)."""
    from tests.rigs.hall_server import start_hall_server, template_copy

    tokens = template_copy(tmp_path / "hall.db")
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    working_today(url)
    hall = start_hall_server(url, tmp_path)
    hall.tokens = tokens
    return hall
