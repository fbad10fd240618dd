"""Calling a real hall server's API as one of its tokens, and reading its answers (success or refusal)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

API = "/api/v1"


def call_as(s: HallServer, role: str, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.request(method, f"{s.url}{API}{path}", json=body, timeout=budget(10),
                         headers={"Authorization": f"Bearer {s.tokens[role]}"})


def ok(r: httpx.Response) -> Any:
    assert r.status_code in (200, 201), r.text
    return r.json()


def refused(r: httpx.Response, status: int, code: str) -> None:
    """The refusal ``status``/``code`` with its translated messages."""
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["message_zh"] and err["message"]
