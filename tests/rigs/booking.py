"""A hall server app (in-process, TestClient) whose SMS goes over SMPP to the gateway twin, for booking
tests: the SMS codes are read back from what the twin received."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.connectors.twins.smpp import SmppTwin
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from hall.server.domain.hallday import hall_day
from tests.rigs.hall_server import sqlite_template
from tests.rigs.waiting import wait_until

SECRET = "s3cret"


def smpp_options(twin: SmppTwin) -> dict[str, object]:
    return {"driver": "smpp", "host": "127.0.0.1", "port": twin.port, "system_id": "hall", "password": SECRET,
            "source_addr": "10690001", "reconnect_min_s": 0.05, "reconnect_max_s": 0.2, "timeout_s": 3}


@contextmanager
def booking_app(tmp_path: Path, twin: SmppTwin, **options: Any) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app on a copy of the seeded template; ``options`` override ServerOptions fields."""
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    opts = ServerOptions(data_dir=tmp_path / "d", connectors={"sms": smpp_options(twin)}, **options)
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=opts)) as client:
        yield client, tokens


def hall_of(client: TestClient) -> HallContext:
    hall: HallContext = client.app.state.hall  # type: ignore[attr-defined]
    return hall


def next_working_day(hall: HallContext, *, after: int = 1) -> date:
    """The first working day at least ``after`` days from today (hall time)."""
    day = hall_day(datetime.now(UTC)) + timedelta(days=after)
    calendar = hall.calendar.get()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def sms_code(twin: SmppTwin, phone: str, *, count: int = 1) -> str:
    """The 6-digit code in the ``count``-th SMS the gateway received for ``phone``."""
    def arrived() -> list[str]:
        return [text for to, text in twin.messages() if to == phone and "验证码" in text]

    wait_until(lambda: len(arrived()) >= count, timeout_s=15, what=f"SMS code #{count} at the SMPP twin")
    found = re.search(r"验证码为 ([0-9]{6})", arrived()[count - 1])
    assert found is not None
    return found.group(1)
