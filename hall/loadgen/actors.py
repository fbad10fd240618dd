"""The simulated people and machines: kiosks issuing tickets, clerks serving, displays listening.

Think times come from :class:`Profile` (a busy hall, compressed so a few minutes show a day's
pattern) divided by ``speed``. Every request has a timeout; every loop ends at the run's stop.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from hall.loadgen.citizens import MaterialPool, fake_id_number
from hall.loadgen.stats import Recorder

API = "/api/v1"
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Only state changes are measured: snapshots are periodic and the first one is a cached copy.
_MEASURED = ("ticket.", "window.", "submission.", "evaluation.")


@dataclass(frozen=True)
class Profile:
    """Mean think times in seconds at ``speed`` 1 (see docs/loadgen.md for where they come from)."""

    citizen_every_s: float = 20.0   # per kiosk: a new citizen on average every 20 s
    with_id_share: float = 0.6      # citizens who read their ID card before taking a number
    lookup_share: float = 0.1       # citizens who check their ticket again at the kiosk
    cancel_share: float = 0.02
    walk_s: float = 1.0             # call → citizen arrives at the counter
    service_s: float = 3.0          # start → finish
    idle_poll_s: float = 2.0        # nothing waits: the clerk looks again after this
    recall_share: float = 0.05
    submission_share: float = 0.3   # kiosk sessions that file a submission with materials
    materials_per_submission: int = 2

    def scaled(self, seconds: float, speed: float) -> float:
        return seconds / speed


@dataclass
class Caps:
    """Which optional routes the server offers (from its OpenAPI document)."""

    paths: frozenset[str] = frozenset()

    def has(self, path: str) -> bool:
        return path in self.paths


@dataclass
class Run:
    urls: list[str]
    terminal_token: str
    clerk_token: str
    rec: Recorder
    profile: Profile
    speed: float
    rng: random.Random
    categories: list[str]
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    caps: Caps = field(default_factory=Caps)
    materials: MaterialPool | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    # display index → list of (connected from, until) on the monotonic clock
    connected: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    def url(self, index: int) -> str:
        return self.urls[index % len(self.urls)]

    async def pause(self, mean_s: float, *, exponential: bool = False) -> bool:
        """Sleep a think time; False once the run is stopping (the caller leaves its loop)."""
        base = mean_s / self.speed
        delay = self.rng.expovariate(1 / base) if exponential else self.rng.uniform(0.5 * base, 1.5 * base)
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=delay)
        except TimeoutError:
            return True
        return False


@functools.cache
def _tls() -> ssl.SSLContext:
    # Built once: httpx loads the CA bundle per client otherwise (~50 ms each, blocking the loop).
    return ssl.create_default_context()


# uvicorn closes a keep-alive connection after 5 s idle, and httpx keeps one 5 s by default: a request
# sent at that instant meets a closing socket (ReadError, seen in 10-minute soaks). Letting our side
# expire first removes the race instead of hiding it with a retry.
KEEPALIVE_EXPIRY_S = 4.0


def client(base_url: str, token: str) -> httpx.AsyncClient:
    # One keep-alive connection per actor, like one terminal or one counter PC.
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE_EXPIRY_S)
    return httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=_TIMEOUT,
                             limits=limits, verify=_tls())


def _error_kind(resp: httpx.Response) -> str:
    try:
        code = resp.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = "no_error_body"
    return f"http_{resp.status_code} {code}"


async def send(run: Run, http: httpx.AsyncClient, method: str, path: str, route: str, *,
               idempotent: bool = False, refusals: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response | None:
    """One request, timed and classified; None on error (already recorded).

    ``refusals`` are statuses that are a correct answer in a race a real hall has too (a citizen
    cancels just as the clerk calls them): counted as ``refused …``, not as errors.
    """
    headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else None
    # A dropped connection (the server closed a keep-alive connection as we reused it, or died on the
    # request) is an error worth reporting, but a terminal retries once when a repeat is harmless (same
    # Idempotency-Key, or idempotent by itself), so the simulated citizen's flow goes on.
    retry = idempotent or method in ("GET", "PUT") or route.endswith("/heartbeat")
    t0 = time.perf_counter()
    for attempt in (0, 1):
        try:
            resp = await http.request(method, API + path, headers=headers, **kwargs)
            break
        except httpx.TimeoutException:
            run.rec.request(route, time.perf_counter() - t0, "timeout")
            return None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if retry and not attempt:
                run.rec.error(f"transport {exc.__class__.__name__} (retried)")
                continue
            run.rec.request(route, time.perf_counter() - t0, f"transport {exc.__class__.__name__}")
            return None
        except httpx.HTTPError as exc:
            run.rec.request(route, time.perf_counter() - t0, f"transport {exc.__class__.__name__}")
            return None
    elapsed = time.perf_counter() - t0
    if resp.status_code in refusals:
        run.rec.request(route, elapsed)
        run.rec.count(f"refused {_error_kind(resp)}")
        return None
    if resp.status_code >= 400:
        run.rec.request(route, elapsed, _error_kind(resp))
        return None
    run.rec.request(route, elapsed)
    return resp


async def kiosk(run: Run, index: int) -> None:
    """A self-service terminal: citizens arrive, take a number (some file a submission)."""
    p = run.profile
    async with client(run.url(index), run.terminal_token) as http:
        beats = None
        if run.caps.has(f"{API}/terminals/register"):
            from hall.loadgen.terminals import heartbeats

            # Its own connection, as a kiosk's background worker has.
            beats = asyncio.create_task(_with_client(run, index, heartbeats))
        while await run.pause(p.citizen_every_s, exponential=True):
            category = run.rng.choice(run.categories)
            id_number = fake_id_number(run.rng) if run.rng.random() < p.with_id_share else None
            if run.materials is not None and run.rng.random() < p.submission_share:
                from hall.loadgen.submissions import submit

                await submit(run, http, category=category, id_number=id_number)
                continue
            body: dict[str, Any] = {"category": category}
            if id_number:
                body["id_number"] = id_number
            resp = await send(run, http, "POST", "/tickets", "POST /api/v1/tickets", idempotent=True, json=body)
            if resp is None:
                continue
            run.rec.count("tickets_issued")
            ticket_id = resp.json()["id"]
            if run.rng.random() < p.lookup_share:
                await send(run, http, "GET", f"/tickets/{ticket_id}", "GET /api/v1/tickets/{id}")
            elif run.rng.random() < p.cancel_share:
                if await send(run, http, "POST", f"/tickets/{ticket_id}/cancel", "POST /api/v1/tickets/{id}/cancel",
                              idempotent=True, refusals=(409,)):
                    run.rec.count("tickets_cancelled")
        if beats is not None:
            await beats


async def _with_client(run: Run, index: int, body: Any) -> None:
    async with client(run.url(index), run.terminal_token) as http:
        await body(run, http, index)


async def clerk(run: Run, index: int, window: int) -> None:
    """A counter: call next, wait for the citizen, serve, finish; look again when nobody waits."""
    p = run.profile
    w = f"/windows/{window}"
    async with client(run.url(index), run.clerk_token) as http:
        while not run.stop.is_set():
            sent = time.monotonic()
            resp = await send(run, http, "POST", f"{w}/call-next", "POST /api/v1/windows/{n}/call-next",
                              idempotent=True)
            if resp is None or resp.status_code == 204:
                if resp is not None:
                    run.rec.count("call_next_empty")
                if not await run.pause(p.idle_poll_s):
                    break
                continue
            ticket = resp.json()
            run.rec.call_sent[ticket["id"]] = sent
            run.rec.count("tickets_called")
            serving = await run.pause(p.walk_s)
            if serving and run.rng.random() < p.recall_share:
                if await send(run, http, "POST", f"{w}/recall", "POST /api/v1/windows/{n}/recall", idempotent=True):
                    run.rec.count("recalls")
                serving = await run.pause(p.walk_s)
            if serving:
                await send(run, http, "POST", f"{w}/start", "POST /api/v1/windows/{n}/start", idempotent=True)
                await run.pause(p.service_s)
            # Also when stopping: a clerk never leaves a citizen at the counter.
            if await send(run, http, "POST", f"{w}/finish", "POST /api/v1/windows/{n}/finish", idempotent=True):
                run.rec.count("tickets_finished")
                if run.caps.has("/api/v1/evaluations") and not run.stop.is_set():
                    from hall.loadgen.submissions import rate

                    await rate(run, http, ticket_id=ticket["id"], window=window)


def _server_time(at: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(at)).timestamp()
    except ValueError:
        return None


async def display(run: Run, index: int) -> None:
    """A calling display on the events socket; reconnects (counted as an error) if dropped."""
    import websockets

    ws_url = run.url(index).replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    ws_url += f"{API}/events"  # the token goes in the first message, never in the URL
    spans = run.connected.setdefault(index, [])
    backoff = 0.2
    while not run.stop.is_set():
        start: float | None = None
        stopping = asyncio.create_task(run.stop.wait())
        try:
            async with websockets.connect(ws_url, open_timeout=10, max_queue=None) as ws:
                await ws.send(json.dumps({"token": run.terminal_token}))
                hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if hello.get("type") != "hello":
                    run.rec.error(f"ws_refused {hello.get('error', {}).get('code', '?')}")
                    return
                start, backoff = time.monotonic(), 0.2
                while True:
                    receiving = asyncio.create_task(ws.recv())
                    done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    if receiving not in done:
                        receiving.cancel()
                        break
                    _on_event(run, index, receiving.result())
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            run.rec.error(f"ws {exc.__class__.__name__}")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)
        finally:
            stopping.cancel()
            if start is not None:
                spans.append((start, time.monotonic()))


def _on_event(run: Run, index: int, raw: str | bytes) -> None:
    received = time.time()
    try:
        event = json.loads(raw)
    except ValueError:
        run.rec.error("ws_bad_json")
        return
    kind = str(event.get("type", ""))
    run.rec.count("events_received")
    if not kind.startswith(_MEASURED):
        return
    at = _server_time(event.get("at"))
    if at is not None:
        run.rec.event_delay(received - at)
    if kind == "ticket.called" and not event.get("data", {}).get("recall"):
        run.rec.seen_call(index, int(event["data"]["id"]))
