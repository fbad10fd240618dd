"""The cache error tree: every storage, crypto and sync failure the outbox reports.

Codes are stable strings; the kiosk and the technician tools choose their message by class or
code, never by ``str(e)``. SQLite, SQLAlchemy and OS errors are translated at one choke point
(:func:`offline_cache.schema.translate`) with ``raise … from``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CacheError(Exception):
    """Base of every outbox failure. ``code`` is stable and machine-readable."""

    code = "cache.error"
    # ``python main.py cache …`` exits with this: 1 device or delivery fault, 2 bad input
    # (3, server unreachable, is decided by the command, not by an error).
    exit_status = 1

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code is not None:
            self.code = code


class StorageError(CacheError):
    """The outbox database or its files could not be read or written."""

    code = "cache.storage"


class StorageBusy(StorageError):
    """Another process held the outbox database locked for longer than the busy timeout."""

    code = "cache.busy"


class CacheFull(CacheError):
    """The outbox reached its configured size cap; new submissions are refused (tickets still work)."""

    code = "cache.full"


class DiskFull(CacheFull):
    """The disk holding the outbox is (nearly) full; new submissions are refused."""

    code = "cache.disk_full"


class CacheCorrupt(StorageError):
    """The outbox database is damaged; it was set aside and a fresh one started."""

    code = "cache.corrupt"


class KeyUnavailable(CacheError):
    """The encryption key is missing, unreadable or malformed."""

    code = "cache.key"


class DecryptFailed(CacheError):
    """A stored payload or attachment could not be decrypted (wrong key or tampered data)."""

    code = "cache.decrypt"


class DuplicateKey(CacheError):
    """A record with this idempotency key is already stored."""

    code = "cache.duplicate_key"


class UnknownRecord(CacheError):
    """No record with this idempotency key is stored."""

    code = "cache.unknown_record"
    exit_status = 2


class InvalidTransition(CacheError):
    """The record is not in a state that allows this change (e.g. acking a dead record)."""

    code = "cache.invalid_transition"


class Purged(CacheError):
    """The record's personal data was already purged after acknowledgement."""

    code = "cache.purged"


class InvalidRecord(CacheError):
    """The record's kind or payload is not acceptable (unknown kind, not JSON-serialisable…)."""

    code = "cache.invalid_record"
    exit_status = 2


class RecordRejected(CacheError):
    """The hall server permanently rejected the record; it is kept (dead) for a technician.

    ``error`` is the server's ``{"code", "message", "message_zh", "message_en", "params"…}`` object,
    so a caller can explain the refusal (a check-in too early, a category full) in its own words."""

    code = "cache.rejected"

    def __init__(self, message: str = "", *, code: str | None = None,
                 error: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, code=code)
        self.error: dict[str, Any] = dict(error or {})

    @property
    def params(self) -> dict[str, Any]:
        """The refusal's parameters (``reason``, ``slot``, ``category``, ``cap``…), {} when none."""
        params = self.error.get("params")
        return dict(params) if isinstance(params, Mapping) else {}


class SyncBusy(CacheError):
    """Another process is already running the sync worker on this outbox."""

    code = "cache.sync_busy"


class OfflineUnavailable(CacheError):
    """This action needs the hall server and it cannot be reached now."""

    code = "cache.offline_unavailable"


class BundleError(CacheError):
    """An export bundle could not be written or read (not a bundle, unknown version, altered)."""

    code = "cache.bundle"
    exit_status = 2


class PassphraseMissing(BundleError):
    """Exporting or importing needs a passphrase of at least 12 characters (never on the command line)."""

    code = "cache.passphrase"


class WrongPassphrase(DecryptFailed):
    """The passphrase does not open this bundle or handover folder."""

    exit_status = 2


class TargetMissing(CacheError):
    """The folder to write to does not exist (an unmounted USB stick): the folder's fault, not the outbox's."""

    code = "cache.target_missing"
    exit_status = 2


class HandoverError(BundleError):
    """A handover folder could not be written or read (not a handover, already used, incomplete)."""

    code = "cache.handover"


class TakeoverRefused(CacheError):
    """This outbox already holds records: a takeover would mix two backlogs unless told to merge."""

    code = "cache.takeover_refused"
    exit_status = 2
