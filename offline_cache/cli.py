"""``python main.py cache status|list|sync|retry|purge|export|import|salvage|handover|takeover`` — JSON on
stdout, never personal data. Exit status: 0 done, 1 device or delivery fault (storage, key, records
that went dead or are held, the kiosk's worker holding the lock), 2 bad input (an unknown key, a
missing folder, a wrong passphrase, a file that is not a bundle), 3 hall server unreachable."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_cache.errors import CacheError, TargetMissing, UnknownRecord
from offline_cache.export import export_records, import_records, read_passphrase
from offline_cache.factory import make_sender, open_outbox, outbox_key, sync_options
from offline_cache.handover import check_folder, handover, takeover
from offline_cache.link import Link
from offline_cache.lock import SyncLock
from offline_cache.numbering import iso
from offline_cache.salvage import salvage_into
from offline_cache.schema import set_aside_files
from offline_cache.states import State
from offline_cache.store import Outbox
from offline_cache.sync import SyncWorker

if TYPE_CHECKING:
    from config.settings import Settings

SYNC_TIMEOUT_S = 120.0
EXIT_OK, EXIT_FAULT, EXIT_BAD_INPUT, EXIT_UNREACHABLE = 0, 1, 2, 3


class Result(dict[str, Any]):
    """A command's JSON answer with the exit status it asks for (0 unless set)."""

    status = EXIT_OK


def _print(doc: dict[str, Any]) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def _status(outbox: Outbox, _args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    doc: dict[str, Any] = {**outbox.stats().public(), "db_path": str(outbox.db_path)}
    numbering = outbox.numbering()
    doc["numbering"] = {"prefix": outbox.prefix, "epoch": outbox.epoch,
                        "today": {n: v for n, v in numbering.sequences.items() if outbox.today() in n}}
    # Offline numbers the server refused as taken: kept pending, never dead — a technician must look.
    doc["held"] = outbox.held()
    doc["recoveries"] = outbox.history(5)
    doc["disk"] = dict(outbox.disk())
    if outbox.recovered_from is not None:
        doc["recovered_from"] = str(outbox.recovered_from)
        doc["corrupt_reason"] = outbox.corrupt_reason
    if outbox.salvage_report is not None:
        doc["salvaged"] = outbox.salvage_report.public()
    return doc


def _list(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    state = State(args.state) if getattr(args, "state", None) else None
    return {"records": [_local_times(r.public(), outbox.tz) for r in outbox.records(state=state)]}


def _local_times(doc: dict[str, Any], tz: str) -> dict[str, Any]:
    """Times as the hall's local ISO time ("due now", stored as 0, stays 0)."""
    for name in ("created_at", "next_attempt_at", "acked_at"):
        if doc.get(name):
            doc[name] = iso(float(doc[name]), tz)
    return doc


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
    stats = outbox.stats()
    result = Result({"online": worker.link.online, "resumed": resumed, "delivered": report.delivered,
                     "retried": report.retried, "rejected": report.dead, "held": outbox.held(),
                     "errors": report.errors, "disk": dict(outbox.disk()), **stats.public()})
    if not worker.link.online:
        result.status = EXIT_UNREACHABLE
    elif report.dead or stats.backlog:
        result.status = EXIT_FAULT  # refused records, held numbers or a backlog that did not go
    return result


def _retry(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    keys = list(args.keys) if getattr(args, "keys", None) else None
    unknown = []
    for key in keys or []:
        try:
            if outbox.get(key).state is not State.DEAD:
                unknown.append({"key": key, "reason": "not dead"})
        except UnknownRecord:
            unknown.append({"key": key, "reason": "no such record"})
    if unknown:  # a mistyped key retries nothing and says so
        result = Result({"retried": 0, "error": {"code": UnknownRecord.code, "message": "no dead record with "
                                                 "these keys", "keys": unknown}})
        result.status = EXIT_BAD_INPUT
        return result
    return {"retried": outbox.retry_dead(keys)}


def _purge(outbox: Outbox, _args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    return {"purged": outbox.purge(grace_s=settings.cache.purge_grace_s,
                                   tombstone_days=settings.cache.tombstone_days)}


# ``unsent`` is everything not yet acknowledged (a terminal handed over with its backlog).
EXPORT_STATES = {"dead": (State.DEAD,), "pending": (State.PENDING,), "in_flight": (State.IN_FLIGHT,),
                 "unsent": (State.DEAD, State.PENDING, State.IN_FLIGHT)}


def _export(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    check_folder(Path(args.output))
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    states = EXPORT_STATES[getattr(args, "state", None) or "dead"]
    return {"exported": export_records(outbox, Path(args.output), passphrase=passphrase, states=states).public()}


def _import(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    return {"imported": import_records(outbox, Path(args.input), passphrase=passphrase).public()}


def _salvage(outbox: Outbox, args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    source = Path(args.file)
    if not source.is_file():
        raise TargetMissing(f"file {source} does not exist")
    files = Path(args.files) if getattr(args, "files", None) else set_aside_files(
        source, Path(settings.cache.attachments_dir))
    report = salvage_into(outbox, source, files, outbox.cipher).public()
    result = Result({"salvaged": report})
    if report["unreadable"]:
        result.status = EXIT_FAULT
    return result


def _locked(outbox: Outbox) -> SyncLock:
    lock = SyncLock(outbox.db_path)
    lock.acquire()  # SyncBusy while a kiosk on this outbox runs: stop it first
    return lock


def _takeover(outbox: Outbox, args: argparse.Namespace, _settings: Settings) -> dict[str, Any]:
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    lock = _locked(outbox)
    try:
        report = takeover(outbox, source=Path(args.folder), passphrase=passphrase, merge=bool(args.merge))
    finally:
        lock.release()
    result = Result({"taken_over": report})
    if report["unreadable"]:
        result.status = EXIT_FAULT
    return result


def _handover(settings: Settings, args: argparse.Namespace) -> Result:
    """Runs on the old outbox (``--root``: its disk mounted elsewhere), not on this terminal's."""
    root = Path(args.root) if getattr(args, "root", None) else None
    target = Path(args.to)
    check_folder(target)
    passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    key = outbox_key(settings, root=root)
    outbox = open_outbox(settings, root=root, key=key)
    try:
        lock = _locked(outbox)
        try:
            return Result({"handed_over": handover(outbox, key=key, target=target, passphrase=passphrase,
                                                   terminal_id=settings.terminal.id)})
        finally:
            lock.release()
    finally:
        outbox.close()


ACTIONS = {"status": _status, "list": _list, "sync": _sync, "retry": _retry, "purge": _purge,
           "export": _export, "import": _import, "salvage": _salvage, "takeover": _takeover}


def _failed(exc: CacheError) -> int:
    _print({"error": {"code": exc.code, "message": str(exc)}})
    return exc.exit_status


def main(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.cache_command == "handover":
            result = _handover(settings, args)
            _print(result)
            return result.status
        action = ACTIONS[args.cache_command]
        outbox = open_outbox(settings)
    except CacheError as exc:
        return _failed(exc)
    try:
        answer = action(outbox, args, settings)
        _print(answer)
        return answer.status if isinstance(answer, Result) else EXIT_OK
    except CacheError as exc:
        return _failed(exc)
    finally:
        outbox.close()
        sys.stdout.flush()
