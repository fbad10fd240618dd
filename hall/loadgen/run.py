"""One load run: prepare the hall (windows for the simulated counters), run every actor until the
time is up, tidy up (finish citizens, close the windows), and build the report."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx

from hall.loadgen import actors
from hall.loadgen.actors import API, Caps, Profile, Run, send
from hall.loadgen.citizens import MaterialPool
from hall.loadgen.procmem import MemoryWatch
from hall.loadgen.stats import Recorder


class LoadgenError(Exception):
    """The run cannot start (server unreachable, token refused, no categories); ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Plan:
    urls: list[str]
    terminals: int
    counters: int
    displays: int
    seconds: float
    admin_token: str | None
    terminal_token: str
    clerk_token: str
    speed: float = 1.0
    warmup_s: float = 10.0
    first_window: int = 901
    seed: int | None = None
    summary_every_s: float = 5.0
    profile: Profile = field(default_factory=Profile)


async def _get(http: httpx.AsyncClient, path: str, token: str) -> Any:
    try:
        resp = await http.get(path, headers={"Authorization": f"Bearer {token}"} if token else None)
    except httpx.HTTPError as exc:
        raise LoadgenError("server.unreachable", f"{path}: {exc.__class__.__name__}") from exc
    if resp.status_code in (401, 403):
        raise LoadgenError("token.refused", f"{path}: the server refused the token ({resp.status_code})")
    if resp.status_code >= 400:
        raise LoadgenError("server.error", f"{path}: HTTP {resp.status_code}")
    return resp.json()


async def discover(plan: Plan) -> tuple[list[str], dict[str, list[dict[str, Any]]], Caps]:
    """Check every server answers, and read categories, service items and the routes on offer."""
    async with httpx.AsyncClient(timeout=10) as http:
        for url in plan.urls:
            await _get(http, f"{url}{API}/health", "")
        base = plan.urls[0]
        cats = [c["code"] for c in await _get(http, f"{base}{API}/categories", plan.terminal_token)]
        await _get(http, f"{base}{API}/windows", plan.clerk_token)
        openapi = await _get(http, f"{base}{API}/openapi.json", "")
        items: dict[str, list[dict[str, Any]]] = {}
        for item in await _get(http, f"{base}{API}/items", plan.terminal_token):
            items.setdefault(item["category"], []).append(item)
    if not cats:
        raise LoadgenError("hall.no_categories", "the server has no active categories; seed it first")
    return cats, items, Caps(frozenset(openapi.get("paths", {})))


async def prepare_windows(plan: Plan, run: Run) -> list[int]:
    """With an admin token: windows first_window… serving every category; else the hall's own windows."""
    async with actors.client(plan.urls[0], plan.admin_token or plan.clerk_token) as http:
        if plan.admin_token:
            numbers = list(range(plan.first_window, plan.first_window + plan.counters))
            for n in numbers:
                body = {"name": f"loadgen {n}", "categories": run.categories, "cannot_do_desk": False}
                if await send(run, http, "PUT", f"/windows/{n}", "PUT /api/v1/windows/{n}", json=body) is None:
                    raise LoadgenError("setup.window", f"could not set up window {n}")
        else:
            listed = (await http.get(f"{API}/windows")).json()
            numbers = [w["number"] for w in listed][: plan.counters]
            if len(numbers) < plan.counters:
                raise LoadgenError("setup.windows", f"the hall has {len(numbers)} windows; give --admin-token "
                                   f"so the load generator can add its own, or fewer --counters")
    async with actors.client(plan.urls[0], plan.clerk_token) as http:
        for n in numbers:
            await send(run, http, "POST", f"/windows/{n}/open", "POST /api/v1/windows/{n}/open",
                       json={"clerk": f"loadgen-{n}"})
    return numbers


async def close_windows(plan: Plan, run: Run, numbers: list[int]) -> None:
    async with actors.client(plan.urls[0], plan.clerk_token) as http:
        for n in numbers:
            await send(run, http, "POST", f"/windows/{n}/close", "POST /api/v1/windows/{n}/close")


async def _sampler(run: Run, watches: list[MemoryWatch], summary_every_s: float, out: TextIO) -> None:
    """Memory every 2 s, the live summary every ``summary_every_s``, loop lag every 100 ms."""
    next_sample = next_line = time.monotonic()
    while not run.stop.is_set():
        t0 = time.monotonic()
        await asyncio.sleep(0.1)
        if run.rec.measuring():
            run.rec.loop_lags.append(max(0.0, time.monotonic() - t0 - 0.1))
        now = time.monotonic()
        if now >= next_sample:
            for w in watches:
                w.sample(run.rec.elapsed())
            next_sample = now + 2.0
        if summary_every_s > 0 and now >= next_line:
            rss = [w.samples[-1][1] for w in watches if w.samples]
            print(run.rec.live_line(sum(rss) / 2**20 if rss else None), file=out, flush=True)
            next_line = now + summary_every_s


async def execute(plan: Plan, *, out: TextIO = sys.stderr) -> dict[str, Any]:
    """Run the plan and return the report (raises LoadgenError before any load if set-up fails)."""
    rng = random.Random(plan.seed)
    rec = Recorder(warmup_s=plan.warmup_s)
    categories, items, caps = await discover(plan)
    run = Run(urls=plan.urls, terminal_token=plan.terminal_token, clerk_token=plan.clerk_token, rec=rec,
              profile=plan.profile, speed=plan.speed, rng=rng, categories=categories, items=items, caps=caps)
    if caps.has(f"{API}/submissions") and items:
        run.materials = MaterialPool(rng)
    windows = await prepare_windows(plan, run)
    watches = [MemoryWatch(url) for url in plan.urls]
    rec.started = time.monotonic()
    tasks = [asyncio.create_task(actors.display(run, i)) for i in range(plan.displays)]
    await asyncio.sleep(0.5)  # displays listen before the first call, so no call is "missed" at start
    rec.started, cpu0 = time.monotonic(), time.process_time()
    tasks += [asyncio.create_task(actors.clerk(run, i, n)) for i, n in enumerate(windows)]
    tasks += [asyncio.create_task(actors.kiosk(run, i)) for i in range(plan.terminals)]
    sampler = asyncio.create_task(_sampler(run, watches, plan.summary_every_s, out))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(run.stop.wait(), plan.seconds)
    run.stop.set()
    duration = rec.elapsed()
    own_cpu_pct = round((time.process_time() - cpu0) / max(duration, 1e-3) * 100, 1)
    _done, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:
        task.cancel()
    for task in _done:
        if not task.cancelled() and task.exception() is not None:
            rec.error(f"actor {task.exception().__class__.__name__}")
    await asyncio.gather(sampler, return_exceptions=True)
    await close_windows(plan, run, windows)
    for w in watches:
        w.sample(rec.elapsed())
    missed = rec.missed_calls(run.connected)
    if missed:
        rec.errors["event_missed"] = missed
    limited = sum(n for kind, n in rec.errors.items() if "rate_limited" in kind)
    if limited:
        print(f"loadgen: the server refused {limited} requests with 429 rate_limited: one token drives every "
              "simulated terminal, far beyond [server.limits]; start the server for a load test with "
              "--set server.limits.enabled=false", file=sys.stderr)
    return {"servers": plan.urls, "server_limits_hit": limited, "terminals": plan.terminals, "counters": plan.counters,
            "displays": plan.displays, "duration_s": round(duration, 1), "warmup_s": plan.warmup_s,
            "speed": plan.speed, "windows": windows, "optional_routes": _optional(caps),
            "requests_per_s": round(rec.requests / max(duration, 1e-3), 1), **rec.report(),
            "events_missed": missed, "loadgen_cpu_pct_of_one_core": own_cpu_pct,
            "server_memory": {w.url: w.report(plan.warmup_s) for w in watches}}


def _optional(caps: Caps) -> list[str]:
    return [p for p in (f"{API}/submissions", f"{API}/evaluations", f"{API}/terminals/register") if caps.has(p)]
