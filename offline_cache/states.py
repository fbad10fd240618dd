"""Record states, kinds and the allowed transitions (the outbox enforces these in SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    ACKED = "acked"
    DEAD = "dead"


class Kind(StrEnum):
    TICKET = "ticket"
    CHECK_IN = "check_in"
    SUBMISSION = "submission"
    RATING = "rating"
    HELP_CALL = "help_call"


# Kinds a full outbox still accepts: a citizen can always get a number (they are a few hundred bytes).
SMALL_KINDS = frozenset({Kind.TICKET, Kind.CHECK_IN, Kind.HELP_CALL, Kind.RATING})

# Server refusals a resend cannot settle yet must never kill a record: the offline number it printed
# is taken by another ticket (another terminal, a lost outbox's earlier epoch). Kept pending, retried
# slowly, listed by ``cache status`` for a technician.
HELD_ERRORS = frozenset({"ticket.offline_number_taken"})

# to-state -> states it may be entered from. pending->in_flight is a claim; in_flight->pending is a
# retry or a crash resume; dead->pending is a technician's retry; acked is final.
ALLOWED_FROM: dict[State, frozenset[State]] = {
    State.IN_FLIGHT: frozenset({State.PENDING}),
    State.PENDING: frozenset({State.IN_FLIGHT, State.DEAD}),
    State.ACKED: frozenset({State.IN_FLIGHT}),
    State.DEAD: frozenset({State.IN_FLIGHT}),
}


def can_move(src: State, dst: State) -> bool:
    return src in ALLOWED_FROM.get(dst, frozenset())


@dataclass(frozen=True, slots=True)
class Record:
    """One outbox row without its payload (the payload is decrypted on demand, never kept here).

    ``local_ref`` is the offline ticket number or local registration code printed for the citizen;
    ``server_ref`` the server's ticket id or registration code once acknowledged. Neither is personal.
    """

    seq: int
    key: str
    kind: str
    state: State
    attempts: int
    created_at: float
    next_attempt_at: float
    acked_at: float | None
    last_error: str | None
    local_ref: str | None
    server_ref: str | None
    purged: bool
    size_bytes: int
    attachments: tuple[str, ...] = field(default=())

    def public(self) -> dict[str, object]:
        """A JSON-ready view without personal data (CLI, technician screen, dashboard)."""
        return {
            "key": self.key, "kind": self.kind, "state": self.state.value, "attempts": self.attempts,
            "created_at": self.created_at, "next_attempt_at": self.next_attempt_at,
            "acked_at": self.acked_at, "last_error": self.last_error, "local_ref": self.local_ref,
            "server_ref": self.server_ref, "purged": self.purged, "size_bytes": self.size_bytes,
            "attachments": len(self.attachments),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Backlog figures for the heartbeat, the technician screen and ``cache status``."""

    counts: dict[str, int]
    backlog: int
    oldest_pending_age_s: float | None
    size_bytes: int
    dead: int

    def public(self) -> dict[str, object]:
        return {"counts": self.counts, "backlog": self.backlog,
                "oldest_pending_age_s": self.oldest_pending_age_s,
                "size_mb": round(self.size_bytes / 1e6, 3), "dead": self.dead}
