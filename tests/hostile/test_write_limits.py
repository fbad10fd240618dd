"""Write limits (issue 13, item 3) against a real server with ``[server.limits]`` on.

The attack: one token issued 9,999 tickets of a category in 78 s (then ``sequence_exhausted`` for every
citizen) and used up the day's registration codes. Now each token and terminal has a sliding minute of
writes (``429 rate_limited`` with ``Retry-After``, an alert on the dashboard naming the terminal) and a
hall-day ceiling per category far below the category's 9,999 numbers. The limits here are set low so
the test stays short; the shipped defaults are in config/settings.py (LimitSettings).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.rigs.hall_server import HallServer, prepare_hall, start_hall_server
from tests.rigs.waiting import budget, wait_until

PER_MIN = 30  # terminal_writes_per_min (the token's own is higher: the terminal's limit answers first)
PER_DAY = 10  # token_tickets_per_category_day


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("limits")
    db_url = f"sqlite:///{workdir / 'hall.db'}"
    tokens = prepare_hall(db_url)
    srv = start_hall_server(db_url, workdir, limits=True, settings=(
        "server.limits.token_writes_per_min=40", f"server.limits.terminal_writes_per_min={PER_MIN}",
        f"server.limits.token_tickets_per_category_day={PER_DAY}"))
    srv.tokens = tokens
    yield srv
    srv.stop()


def _ticket(server: HallServer, who: str, category: str, **extra: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/tickets", json={"category": category, **extra}, timeout=budget(10),
                      headers={"Authorization": f"Bearer {server.tokens[who]}"})


def test_a_terminal_over_its_minute_gets_429_with_retry_after_and_the_dashboard_an_alert(server: HallServer) -> None:
    statuses = [_ticket(server, "kiosk", "ABCDEF"[i % 6]).status_code for i in range(PER_MIN)]
    assert statuses == [201] * PER_MIN
    for extra in ({}, {"priority": "fallback"}):  # the lean front and the route refuse alike
        r = _ticket(server, "kiosk", "A", **extra)
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "rate_limited" and r.json()["error"]["message_zh"]
        assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert _ticket(server, "kiosk2", "A").status_code == 201  # another kiosk is not held up
    manager = {"Authorization": f"Bearer {server.tokens['manager']}"}
    # The alert is written on a thread of its own, after the refusal.
    alerts = wait_until(lambda: httpx.get(f"{server.url}/api/v1/followups", params={"kind": "rate_limit"},
                                          headers=manager, timeout=budget(10)).json(), what="the rate_limit follow-up")
    assert alerts[0]["terminal_id"] == "K1" and "K1" in alerts[0]["message"]


def test_one_token_can_never_exhaust_a_categorys_numbers(server: HallServer) -> None:
    got = [_ticket(server, "kiosk2", "D").status_code for _ in range(PER_DAY + 3)]
    # kiosk2 has one ticket of category A from the test above; D is fresh.
    assert got[:PER_DAY] == [201] * PER_DAY and set(got[PER_DAY:]) == {429}
    r = _ticket(server, "kiosk2", "D")
    assert r.json()["error"]["code"] == "rate_limited"
    assert _ticket(server, "counter", "D").status_code == 201  # the hall still has numbers for everyone else


def test_benchmark_rooms_turn_the_limits_off() -> None:
    from config import load_settings
    from hall.server.cli import options_from

    assert options_from(load_settings()).limits.enabled
    assert not options_from(load_settings(overrides=["server.limits.enabled=false"])).limits.enabled
    from bench._servers import NO_LIMITS

    assert NO_LIMITS == ("--set", "server.limits.enabled=false")
