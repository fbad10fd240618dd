"""What a kiosk does besides serving citizens: register once, then a heartbeat every 30 s with its
device statuses and outbox backlog (machine time: not scaled by ``--speed``)."""

from __future__ import annotations

import asyncio

import httpx

from hall.loadgen.actors import Run, send

HEARTBEAT_S = 30.0
_DEVICES = ("id_card", "ss_card", "camera", "code_scanner", "doc_camera", "printer", "voice")


def terminal_id(index: int) -> str:
    return f"LG{index + 1:03d}"


async def heartbeats(run: Run, http: httpx.AsyncClient, index: int) -> None:
    tid = terminal_id(index)
    body = {"id": tid, "name": f"loadgen kiosk {index + 1}", "kind": "kiosk", "location": "loadgen",
            "version": "loadgen"}
    if await send(run, http, "POST", "/terminals/register", "POST /api/v1/terminals/register", json=body) is None:
        return
    # Spread the first beats so 100 kiosks do not all report in the same second.
    delay = run.rng.uniform(0, HEARTBEAT_S)
    while not run.stop.is_set():
        try:
            await asyncio.wait_for(run.stop.wait(), timeout=delay)
            return
        except TimeoutError:
            pass
        delay = HEARTBEAT_S
        beat = {"devices": [{"kind": k, "driver": "loadgen", "health": "ok", "code": "ok"} for k in _DEVICES],
                "outbox_backlog": 0, "oldest_pending_s": 0.0, "version": "loadgen"}
        if await send(run, http, "POST", f"/terminals/{tid}/heartbeat", "POST /api/v1/terminals/{id}/heartbeat",
                      json=beat):
            run.rec.count("heartbeats")
