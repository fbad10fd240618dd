"""The citizens' booking page in Debian's chromium (Playwright, a phone-sized viewport) against a real hall
server process whose SMS goes over SMPP to the gateway twin: pick a line, a day and a slot, confirm the
mobile number with the SMS code, get the booking code and its QR, then cancel it on /book/{code}."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hall.server.connectors.twins.smpp import SmppTwin
from tests.rigs.booking import SECRET, smpp_options, sms_code
from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget_ms

PHONE = "13800138000"


@pytest.fixture
def twin() -> Iterator[SmppTwin]:
    with SmppTwin(system_id="hall", password=SECRET) as gateway:
        yield gateway


@pytest.fixture
def server(tmp_path: Path, twin: SmppTwin) -> Iterator[HallServer]:
    settings = tuple(f"connectors.sms.{k}={v!r}".replace("'", '"') for k, v in smpp_options(twin).items())
    srv = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, settings=settings)
    yield srv
    srv.stop()


def test_a_citizen_books_on_a_phone_then_cancels(browser: Any, server: HallServer, twin: SmppTwin) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(budget_ms(15_000))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.goto(f"{server.url}/book")
    page.wait_for_selector("#line option", state="attached")
    page.select_option("#line", "A")
    page.click("#days button >> nth=1")
    page.wait_for_selector("#slots button:not([disabled])")
    page.click("#slots button:not([disabled]) >> nth=0")
    page.fill("#idno", "11010519491231002X")
    page.fill("#phone", PHONE)
    page.click("#send")
    page.wait_for_selector("#sendmsg:has-text('已发送')")
    page.fill("#sms", sms_code(twin, PHONE))
    page.click("#book")
    page.wait_for_selector("#done:not([hidden])")
    code = page.text_content("#bcode") or ""
    assert len(code.replace("-", "")) == 9
    page.wait_for_function("document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0")
    page.click("#manage")
    page.wait_for_selector("#mine:not([hidden])")
    page.wait_for_selector("#mstatus:has-text('已预约')")
    page.click("#cancel")
    page.wait_for_selector("#mstatus:has-text('已取消')")
    assert page.is_hidden("#cancel")
    context.close()
    assert not errors, errors
    assert not outside, outside  # no CDN: everything from the hall server
