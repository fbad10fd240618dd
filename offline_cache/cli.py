"""``python main.py cache status|list|sync|retry|purge|export|import`` — JSON on stdout, never personal data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_cache.errors import CacheError
from offline_cache.export import export_records, import_records, read_passphrase
from offline_cache.factory import make_sender, open_outbox, sync_options
from offline_cache.link import Link
from offline_cache.states import State
from offline_cache.store import Outbox
from offline_cache.sync import SyncWorker

if TYPE_CHECKING:
    from config.settings import Settings

SYNC_TIMEOUT_S = 120.0


def _print(doc: dict[str, Any]) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def _status(outbox: Outbox, _args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    doc: dict[str, Any] = {**outbox.stats().public(), "db_path": str(outbox.db_path)}
    if outbox.recovered_from is not None:
        doc["recovered_from"] = str(outbox.recovered_from)
        doc["corrupt_reason"] = outbox.corrupt_reason
    return doc


def _list(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    state = State(args.state) if getattr(args, "state", None) else None
    return {"records": [r.public() for r in outbox.records(state=state)]}


def _sync(outbox: Outbox, _args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    sender = make_sender(settings)
    worker = SyncWorker(outbox, sender, Link(), sync_options(settings))
    try:
        worker.lock.acquire()  # SyncBusy while a kiosk on this terminal is running its worker
        resumed = outbox.resume()
        report = worker.drain(timeout_s=SYNC_TIMEOUT_S)
    finally:
        worker.stop()
        sender.close()
    return {"online": worker.link.online, "resumed": resumed, "delivered": report.delivered,
            "retried": report.retried, "rejected": report.dead, "errors": report.errors, **outbox.stats().public()}


def _retry(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    keys = list(args.keys) if getattr(args, "keys", None) else None
    return {"retried": outbox.retry_dead(keys)}


def _purge(outbox: Outbox, _args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    return {"purged": outbox.purge(grace_s=settings.cache.purge_grace_s,
                                   tombstone_days=settings.cache.tombstone_days)}


# ``unsent`` is everything not yet acknowledged (a terminal handed over with its backlog).
EXPORT_STATES = {"dead": (State.DEAD,), "pending": (State.PENDING,), "in_flight": (State.IN_FLIGHT,),
                 "unsent": (State.DEAD, State.PENDING, State.IN_FLIGHT)}


def _export(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    states = EXPORT_STATES[getattr(args, "state", None) or "dead"]
    return {"exported": export_records(outbox, Path(args.output), passphrase=passphrase, states=states).public()}


def _import(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    return {"imported": import_records(outbox, Path(args.input), passphrase=passphrase).public()}


ACTIONS = {"status": _status, "list": _list, "sync": _sync, "retry": _retry, "purge": _purge,
           "export": _export, "import": _import}


def main(args: argparse.Namespace, settings: Settings) -> int:
    action = ACTIONS[args.cache_command]
    try:
        outbox = open_outbox(settings)
    except CacheError as exc:
        _print({"error": {"code": exc.code, "message": str(exc)}})
        return 1
    try:
        _print(action(outbox, args, settings))
        return 0
    except CacheError as exc:
        _print({"error": {"code": exc.code, "message": str(exc)}})
        return 1
    finally:
        outbox.close()
        sys.stdout.flush()
