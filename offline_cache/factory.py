"""Build the outbox, sender, worker and facade from the settings tree (one place, no globals)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from offline_cache.crypto import Cipher, load_key
from offline_cache.errors import KeyUnavailable
from offline_cache.link import Link
from offline_cache.sender import ClientSender, Sender
from offline_cache.store import Outbox
from offline_cache.sync import SyncOptions, SyncWorker
from offline_cache.terminal import Terminal

if TYPE_CHECKING:
    from config.settings import Settings

log = logging.getLogger(__name__)


def read_token(settings: Settings) -> str:
    """The terminal's bearer token: ``terminal.token``, else the first line of ``terminal.token_file``."""
    term = settings.terminal
    if term.token:
        return term.token
    if term.token_file is None:
        return ""
    try:
        return Path(term.token_file).read_text(encoding="utf-8").strip().splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError) as exc:
        raise KeyUnavailable(f"{term.token_file}: cannot read the terminal token", code="cache.token") from exc


def under(root: Path | None, path: Path) -> Path:
    """``path`` on a disk mounted at ``root`` (the old terminal's disk in a replacement), else as is."""
    return path if root is None else root / path.resolve().relative_to(path.resolve().anchor)


def outbox_key(settings: Settings, *, root: Path | None = None) -> bytes:
    """The outbox key (environment variable, else the key file — under ``root`` if given). Raises KeyUnavailable."""
    return load_key(env_var=settings.cache.key_env, key_file=under(root, Path(settings.cache.key_file)))


def open_outbox(settings: Settings, *, clock: Callable[[], float] = time.time, root: Path | None = None,
                key: bytes | None = None) -> Outbox:
    """Open (or create, or recover) the outbox named by ``settings.cache`` (on the disk mounted at
    ``root`` if given). Raises CacheError."""
    cache = settings.cache
    cipher = Cipher(key if key is not None else outbox_key(settings, root=root))
    return Outbox(db_path=under(root, Path(cache.db_path)), attachments_dir=under(root, Path(cache.attachments_dir)),
                  cipher=cipher, max_bytes=cache.max_mb * 1024 * 1024,
                  min_free_bytes=cache.min_free_mb * 1024 * 1024, offline_prefix=settings.terminal.offline_prefix,
                  tz=settings.hall.timezone, clock=clock, horizon_s=cache.retry_cap_s * 1.5 + 1.0,
                  reserve_bytes=cache.reserve_kb * 1024)


def sync_options(settings: Settings) -> SyncOptions:
    cache = settings.cache
    return SyncOptions(probe_interval_s=cache.probe_interval_s, retry_base_s=cache.retry_base_s,
                       retry_cap_s=cache.retry_cap_s, parallel=cache.parallel_sends,
                       purge_grace_s=float(cache.purge_grace_s))


def make_sender(settings: Settings, *, clock: Callable[[], float] = time.time) -> ClientSender:
    return ClientSender(settings.hall.server_url, token=read_token(settings),
                        timeout_s=settings.cache.send_timeout_s, budget_s=settings.cache.ticket_budget_s,
                        clock=clock)


def open_terminal(settings: Settings, *, sender: Sender | None = None, clock: Callable[[], float] = time.time,
                  start: bool = True) -> Terminal:
    """The kiosk's facade with its sync worker (started unless ``start=False``).

    Raises CacheError (KeyUnavailable, StorageError, SyncBusy when another process syncs)."""
    outbox = open_outbox(settings, clock=clock)
    if outbox.recovered_from is not None:
        log.error("outbox was unreadable (%s); a new one was started", outbox.corrupt_reason)
    sender = sender or make_sender(settings, clock=clock)
    link = Link()
    worker = SyncWorker(outbox, sender, link, sync_options(settings))
    terminal = Terminal(outbox, sender, link, worker, terminal_id=settings.terminal.id, tz=settings.hall.timezone,
                        ticket_budget_s=settings.cache.ticket_budget_s)
    if start:
        terminal.start()
    return terminal
