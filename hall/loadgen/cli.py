"""``python main.py loadgen``: live summary on stderr, one JSON report on stdout.

Exit status: 0 the run completed without errors, 1 it completed with errors (see
``errors_by_kind``), 2 it could not start (bad flags, server unreachable, token refused).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from typing import Any

from hall.loadgen.run import LoadgenError, Plan, execute


def _token(args: argparse.Namespace, flag: str, env: str) -> str | None:
    return getattr(args, flag, None) or os.environ.get(env) or None


def plan_from(args: argparse.Namespace) -> Plan:
    """Raises LoadgenError for flags that cannot make a run."""
    urls = [u.strip().rstrip("/") for u in str(args.server).split(",") if u.strip()]
    if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
        raise LoadgenError("args.server", "--server takes http(s)://HOST:PORT, or several separated by commas")
    admin = _token(args, "admin_token", "HALL_ADMIN_TOKEN")
    terminal = _token(args, "terminal_token", "HALL_TERMINAL_TOKEN") or admin
    clerk = _token(args, "clerk_token", "HALL_CLERK_TOKEN") or admin
    if not terminal or not clerk:
        raise LoadgenError("args.token", "give --admin-token (or HALL_ADMIN_TOKEN), or both --terminal-token "
                           "and --clerk-token (HALL_TERMINAL_TOKEN, HALL_CLERK_TOKEN)")
    counts = {"terminals": args.terminals, "counters": args.counters, "displays": args.displays}
    if any(v < 0 for v in counts.values()) or args.minutes <= 0:
        raise LoadgenError("args.counts", "--terminals/--counters/--displays must be ≥ 0 and --minutes > 0")
    speed = float(getattr(args, "speed", None) or 1.0)
    if speed <= 0:
        raise LoadgenError("args.speed", "--speed must be > 0")
    seconds = float(args.minutes) * 60
    warmup = getattr(args, "warmup", None)
    warmup_s = float(warmup) if warmup is not None else min(30.0, seconds / 5)
    return Plan(urls=urls, terminals=args.terminals, counters=args.counters, displays=args.displays,
                seconds=seconds, admin_token=admin, terminal_token=terminal, clerk_token=clerk, speed=speed,
                warmup_s=warmup_s, first_window=int(getattr(args, "first_window", None) or 901),
                seed=getattr(args, "seed", None))


def _run(plan: Plan) -> dict[str, Any]:
    try:
        import uvloop
    except ImportError:  # the generator works on the stock loop too, with more overhead
        return asyncio.run(execute(plan))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(execute(plan))


def main(args: argparse.Namespace, settings: Any) -> int:
    # One line per request would drown the live summary.
    for name in ("httpx", "httpcore", "websockets"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        plan = plan_from(args)
        report = _run(plan)
    except LoadgenError as exc:
        print(f"loadgen: {exc} [{exc.code}]", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("loadgen: interrupted", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if report["errors"] else 0
