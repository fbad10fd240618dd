#!/usr/bin/env python3
"""Entry point of the hall terminal suite: argument parsing only, then dispatch to the packages.

Each subcommand names its handler as ``"module:function"``; the handler is imported only when
that subcommand runs, so ``--help`` is instant and one broken program never blocks another.
Handlers take ``(args, settings)`` and return an exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import Any

EXIT_USAGE = 2

# subcommand -> handler; sub-subcommands are resolved by their own parsers below.
HANDLERS: dict[str, str] = {
    "hall-server": "hall.server.cli:serve",
    "hall": "hall.server.cli:admin",
    "kiosk": "kiosk.app:run_kiosk",
    "devices": "kiosk.technician.cli:main",
    "demo": "hall.demo:run_demo",
    "counter": "hall.counter.app:run_counter",
    "evaluator": "hall.evaluator.app:run_evaluator",
    "display": "hall.display.app:run_display",
    "cache": "offline_cache.cli:main",
    "loadgen": "hall.loadgen.cli:main",
    "city-server": "hall.city.cli:serve",
    "city": "hall.city.cli:admin",
}
# `hall admin` tasks served by the city package (hall.server never imports it).
CITY_TASKS: dict[str, str] = {"join-city": "hall.city.cli:hall_admin", "leave-city": "hall.city.cli:hall_admin"}

# Programs that open devices, and which kinds: the production guard refuses twins for these only
# (config/loader.py); None = every kind. The hall server, counter, pad and tools drive no device.
DEVICE_KINDS: dict[str, tuple[str, ...] | None] = {"kiosk": None, "devices": None, "demo": None,
                                                    "display": ("voice",)}


def _common(*, top: bool) -> argparse.ArgumentParser:
    # Sub-parsers suppress their defaults so `--config` given before the subcommand survives.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", default=None if top else argparse.SUPPRESS,
                        help="settings file (TOML); default config/default.toml")
    common.add_argument(
        "--set", dest="overrides", metavar="KEY=VALUE", action="append",
        default=[] if top else argparse.SUPPRESS,
        help="override one setting, e.g. --set devices.id_card.port=/dev/ttyUSB0 (repeatable)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="政务服务大厅终端套件 / Government service hall terminal suite.",
        parents=[_common(top=True)],
    )
    common = _common(top=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_, parents=[common])

    p = add("hall-server", "Run the hall server (HTTP API, events, dashboard) until SIGTERM.")
    p.add_argument("--db", metavar="URL", help="database URL (sqlite:///FILE or postgresql://…)")
    p.add_argument("--host", help="address to listen on (default from config: server.host)")
    p.add_argument("--port", type=int, help="port to listen on (default from config: server.port)")

    p = add("hall", "Hall server administration: schema, demo data, tokens, the catalogue.")
    admin = p.add_subparsers(dest="hall_command", metavar="ACTION", required=True)
    a = admin.add_parser("admin", help="administration tasks", parents=[common])
    tasks = a.add_subparsers(dest="admin_command", metavar="TASK", required=True)
    t = tasks.add_parser("init", help="create or migrate the schema", parents=[common])
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("seed-demo", help="load the demo hall (categories, service items, e-licenses)",
                         parents=[common])
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("create-token", help="create an API token; prints it alone on the last line",
                         parents=[common])
    t.add_argument("--role", required=True,
                   choices=["kiosk", "display", "evaluator", "counter", "manager", "admin", "terminal", "clerk"],
                   help="kiosk (--terminal), display, evaluator (--window), counter (--window), manager, "
                        "admin; terminal and clerk are deprecated")
    t.add_argument("--terminal", metavar="ID", help="kiosk tokens: the terminal id it acts as (e.g. K1)")
    t.add_argument("--window", metavar="N", type=int, help="evaluator and counter tokens: their window")
    t.add_argument("--name", required=True, help="who or what the token is for")
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("revoke-token", help="revoke a token by name", parents=[common])
    t.add_argument("--name", required=True)
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("import-catalogue", parents=[common],
                         help="import service items (.xlsx, .json, or a folder with 事项.csv and 材料.csv)")
    t.add_argument("path", metavar="PATH", help="the catalogue file or folder (docs/catalogue.md)")
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("import-holidays", parents=[common],
                         help="import a year's holidays and make-up working days (CSV: 日期,类型,名称)")
    t.add_argument("path", metavar="FILE", help="the CSV file (docs/catalogue.md, 'Working days')")
    t.add_argument("--db", metavar="URL", help="database URL")
    t = tasks.add_parser("export-catalogue", parents=[common],
                         help="write the service items as .xlsx, .json or a folder of CSV files")
    t.add_argument("path", metavar="PATH", help="NAME.xlsx, NAME.json, or a folder for the CSV files")
    t.add_argument("--template", action="store_true", help="write an example catalogue instead of the hall's")
    t.add_argument("--db", metavar="URL", help="database URL")

    t = tasks.add_parser("join-city", parents=[common], help="publish this hall's queue summary to a city database "
                         "(PostgreSQL logical replication; docs/city.md)")
    t.add_argument("--db", metavar="URL", help="the hall's database URL (PostgreSQL)")
    t.add_argument("--city-db", metavar="URL", required=True, help="the city's database URL (PostgreSQL)")
    t.add_argument("--code", metavar="CODE", help="the hall's code in the city, e.g. 420502-01 (default hall.code)")
    t.add_argument("--hall-conninfo", metavar="DSN",
                   help="how the city's server reaches the hall database (default: the --db URL)")
    t = tasks.add_parser("leave-city", parents=[common], help="stop publishing to the city and unsubscribe it")
    t.add_argument("--db", metavar="URL", help="the hall's database URL (PostgreSQL)")
    t.add_argument("--city-db", metavar="URL", required=True, help="the city's database URL (PostgreSQL)")

    p = add("city-server", "Run the city server: every joined hall's queues (/city, /city/dashboard).")
    p.add_argument("--db", metavar="URL", required=True, help="the city database URL (PostgreSQL)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8800, help="port to listen on (default 8800)")

    p = add("city", "City database administration: schema and city manager tokens.")
    city = p.add_subparsers(dest="city_command", metavar="TASK", required=True)
    c = city.add_parser("init", help="create the city schema", parents=[common])
    c.add_argument("--db", metavar="URL", required=True)
    for task, help_ in (("create-token", "create a city manager token; printed alone on the last line"),
                        ("revoke-token", "revoke a city manager token by name")):
        c = city.add_parser(task, help=help_, parents=[common])
        c.add_argument("--name", required=True)
        c.add_argument("--db", metavar="URL", required=True)

    p = add("kiosk", "Run the self-service kiosk (touch screen).")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--exit-after-paint", action="store_true",
                   help="exit once the home screen is painted (start-up benchmark)")
    p.add_argument("--screenshot", metavar="PNG", help="save the home screen to PNG and exit")

    p = add("devices", "Technician tools: list, diagnose and exercise this terminal's devices (JSON).")
    dev = p.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    dev.add_parser("list", help="the driver registry", parents=[common])
    dg = dev.add_parser("diagnose", help="open every enabled device, wait for it to settle, report ok or the "
                        "cause and what to check next (exit 0 only when every enabled device is ok)",
                        parents=[common])
    dg.add_argument("--settle", type=float, default=10.0, metavar="S",
                    help="seconds to wait for the devices to report (default 10)")
    r = dev.add_parser("read", help="read a card once", parents=[common])
    r.add_argument("kind", choices=["id_card", "ss_card"])
    r.add_argument("--reveal", action="store_true", help="print the full ID number (masked otherwise)")
    r.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a card")
    s = dev.add_parser("scan", help="decode codes from an image file, or wait for one code from the configured "
                       "scanner (serial, camera, keyboard wedge typing here, simulated: lines on stdin)",
                       parents=[common])
    s.add_argument("--image", metavar="FILE", help="image file to decode")
    s.add_argument("--timeout", type=float, default=15.0, metavar="S",
                   help="seconds to wait for a code from the scanner (default 15)")
    c = dev.add_parser("capture", help="capture a frame (camera) or a page (doc_camera)", parents=[common])
    c.add_argument("--device", choices=["camera", "doc_camera"], default="doc_camera")
    c.add_argument("--output", metavar="FILE", help="where to write the JPEG")
    pt = dev.add_parser("print-test", help="print a test page", parents=[common])
    pt.add_argument("--output", metavar="FILE", help="write the ESC/POS bytes here instead of printing")
    pt.add_argument("--png", metavar="FILE", help="write a PNG preview of the page")
    sy = dev.add_parser("say", help="announce a text, or a call exactly as the calling display does "
                        "(--call NUMBER --window N), through the voice device", parents=[common])
    sy.add_argument("text", nargs="?", help="free text to announce (or use --call)")
    sy.add_argument("--call", metavar="NUMBER", help="a ticket number (A023, offline K1-D005) to call")
    sy.add_argument("--window", metavar="N", help="the window the call sends the citizen to (with --call)")
    sy.add_argument("--recall", action="store_true", help="announce it as a recall (再次呼叫)")

    add("demo", "Everything on one laptop: in-process hall server, kiosk with simulated devices.")

    for name, help_ in (("counter", "Run the clerk's counter terminal."),
                        ("evaluator", "Run the citizen-facing evaluation pad of a counter.")):
        p = add(name, help_)
        p.add_argument("--window", type=int, required=True, help="window (counter) number")
        p.add_argument("--windowed", action="store_true", help="a window instead of full screen")

    p = add("display", "Run the calling display (number → window, with voice).")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")

    p = add("cache", "The terminal's offline outbox (JSON, no personal data).")
    cache = p.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cache.add_parser("status", help="counts by state, oldest pending age, size", parents=[common])
    ls = cache.add_parser("list", help="records (no personal data)", parents=[common])
    ls.add_argument("--state", choices=["pending", "in_flight", "acked", "dead"])
    cache.add_parser("sync", help="deliver the backlog now and report", parents=[common])
    rt = cache.add_parser("retry", help="put dead records back to pending", parents=[common])
    rt.add_argument("keys", nargs="*", help="idempotency keys (default: all dead records)")
    cache.add_parser("purge", help="purge personal data of acknowledged records past the grace period",
                     parents=[common])
    ex = cache.add_parser("export", help="encrypted bundle of records for a technician (passphrase from "
                          "--passphrase-file or HALL_EXPORT_PASSPHRASE)", parents=[common])
    ex.add_argument("--output", required=True, metavar="FILE")
    ex.add_argument("--state", choices=["dead", "pending", "in_flight", "unsent"], default="dead")
    ex.add_argument("--passphrase-file", metavar="FILE")
    im = cache.add_parser("import", help="store the records of an export bundle here", parents=[common])
    im.add_argument("--input", required=True, metavar="FILE")
    im.add_argument("--passphrase-file", metavar="FILE")
    sv = cache.add_parser("salvage", help="import the readable records of a set-aside outbox file", parents=[common])
    sv.add_argument("file", metavar="FILE", help="e.g. /var/lib/hall/outbox.db.corrupt-20261122T031500Z")
    sv.add_argument("--files", metavar="DIR", help="its attachments (default: the set-aside folder beside it)")
    ho = cache.add_parser("handover", help="move this outbox's backlog, key and numbering to a folder for "
                          "a replacement terminal (passphrase as for export)", parents=[common])
    ho.add_argument("--to", required=True, metavar="DIR")
    ho.add_argument("--root", metavar="DIR", help="the old terminal's disk mounted here (default: this one)")
    ho.add_argument("--passphrase-file", metavar="FILE")
    to = cache.add_parser("takeover", help="take a handover folder's backlog and numbering into this outbox",
                          parents=[common])
    to.add_argument("folder", metavar="DIR")
    to.add_argument("--merge", action="store_true", help="this outbox holds records already: keep both")
    to.add_argument("--passphrase-file", metavar="FILE")

    p = add("loadgen", "Capacity planning: simulated kiosks, counters and displays against a server.")
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--terminals", type=int, default=100)
    p.add_argument("--counters", type=int, default=20)
    p.add_argument("--displays", type=int, default=20)
    p.add_argument("--minutes", type=float, default=1.0)
    p.add_argument("--admin-token", help="admin token (else taken from HALL_ADMIN_TOKEN)")
    p.add_argument("--terminal-token", help="terminal token (HALL_TERMINAL_TOKEN; default the admin token)")
    p.add_argument("--clerk-token", help="clerk token (HALL_CLERK_TOKEN; default the admin token)")
    p.add_argument("--speed", type=float, default=1.0, help="divide every think time by this (default 1)")
    p.add_argument("--warmup", type=float, help="seconds left out of percentiles (default min(30, 20%%))")
    p.add_argument("--first-window", type=int, default=901, help="number of the first simulated window")
    p.add_argument("--seed", type=int, help="random seed, for a repeatable mix")
    return parser


def _handler(args: argparse.Namespace) -> Callable[[argparse.Namespace, Any], int]:
    target = CITY_TASKS.get(getattr(args, "admin_command", ""), HANDLERS[args.command]) \
        if args.command == "hall" else HANDLERS[args.command]
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from config import ConfigError, load_settings
    from config.logsetup import setup_logging

    kinds = DEVICE_KINDS.get(args.command, ())
    try:
        settings = (load_settings(args.config, args.overrides) if kinds is None
                    else load_settings(args.config, args.overrides, device_kinds=kinds))
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(level=settings.logging.level, file=settings.logging.file,
                  json_lines=settings.logging.json_lines, repeat_window_s=settings.logging.repeat_window_s)
    return int(_handler(args)(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
