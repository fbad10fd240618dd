"""Dashboard liveness: a ticket issued through the API until it is on the manager's page (chromium), in ms."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench._servers import start_servers, stop_servers
from bench._stats import percentile

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
# Records, in the page, the wall-clock moment each new feed line is added (no polling in between).
_OBSERVE = """() => { window.__seen = {};
  new MutationObserver((muts) => { for (const m of muts) for (const n of m.addedNodes) {
    const k = (n.textContent || "").match(/[A-Z][0-9]{3,4}/);
    if (k && !(k[0] in window.__seen)) window.__seen[k[0]] = Date.now(); } })
  .observe(document.getElementById("feed"), {childList: true}); }"""


def _prepare(db_url: str) -> str:
    from hall.server.cli import create_token
    from hall.server.core.db import Database
    from hall.server.migrate import upgrade
    from hall.server.seed import seed_demo

    db = Database(db_url)
    try:
        upgrade(db.engine)
        seed_demo(db)
        return create_token(db, role="manager", name="bench-manager") + " " + create_token(
            db, role="terminal", name="bench-terminal")
    finally:
        db.dispose()


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard_update")
    parser.add_argument("--tickets", type=int, default=30)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'hall.db'}"
        manager, terminal = _prepare(db_url).split()
        servers = start_servers(db_url, Path(tmp), 1)
        url = servers[0][1]
        try:
            with sync_playwright() as p, httpx.Client(base_url=url, timeout=10,
                                                      headers={"Authorization": f"Bearer {terminal}"}) as http:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.goto(f"{url}/dashboard")
                page.fill("#login-token", manager)
                page.click("#login-submit")
                page.wait_for_selector("#conn.conn-on")
                page.evaluate(_OBSERVE)
                latencies: list[float] = []
                for i in range(args.tickets):
                    sent_ms = time.time() * 1000
                    number = http.post("/api/v1/tickets", json={"category": "ABCDEF"[i % 6]}).json()["number"]
                    # Poll from here: the page's CSP forbids the eval behind wait_for_function, and the
                    # moment that counts is the one the observer recorded, not when we notice it.
                    deadline = time.monotonic() + 10
                    while not page.evaluate(f"'{number}' in window.__seen"):
                        if time.monotonic() > deadline:
                            raise TimeoutError(f"{number} never reached the dashboard")
                        time.sleep(0.005)
                    latencies.append(page.evaluate(f"window.__seen['{number}']") - sent_ms)
                    time.sleep(0.05)
                browser.close()
        finally:
            stop_servers(servers)
    return {"tickets": len(latencies), "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1), "max_ms": round(max(latencies), 1)}
