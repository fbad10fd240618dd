"""The one ticket writer: the idempotency key, the per-ID quota, the number, the row and its event.

Every new ticket is written by :func:`write_many` — one ticket (the route, offline tickets, check-in)
or a batch (the lean front's tickets that arrived together) — on the unit of work it is given: an ORM
unit (the session's own connection) or a batch of the batch writer (a raw connection). It runs each of
its statements for all tickets at once (:meth:`hall.server.core.sql.Sql.many`: one round trip on
PostgreSQL, whatever the batch's size), in this order, so the rules hold inside a batch as between
batches: claim the keys (a key seen before gets the stored answer; a repeat within the batch follows
its first), check quotas (counting earlier tickets of the batch), take numbers line by line (the
refused last ones given back), insert the rows, release the keys of refused tickets. The statements
are defined once (here, :mod:`.numbering`, :mod:`hall.server.core.idempotency`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Integer, Table, bindparam, func, literal_column, select

from hall.server.core import idempotency as idem
from hall.server.core.errors import IdempotencyMismatch
from hall.server.core.sql import Sql
from hall.server.domain.errors import DomainError
from hall.server.domain.hallday import format_ticket_number
from hall.server.domain.rules import QuotaRule, quota_refusal
from hall.server.domain.tickets import FALLBACK_PRIORITY
from hall.server.events.hub import NOTIFY
from hall.server.tickets import numbering
from hall.server.tickets.models import Ticket
from hall.server.tickets.schemas import TicketOut

FALLBACK = FALLBACK_PRIORITY
_TK = cast(Table, Ticket.__table__)
_COLUMNS = ("number", "seq", "category", "hall_day", "status", "source", "priority", "id_hash", "id_masked",
            "issued_at", "queue_at", "terminal_id", "public_token", "appointment_id", "call_count",
            "submission_id", "offline_number", "offline_issued_at", "offline_epoch")
INSERT = _TK.insert().values({c: bindparam(c) for c in _COLUMNS}).returning(_TK.c.id)
# PostgreSQL takes the rows' ids from their sequence before the numbers (no lock is held yet), so the rows,
# their answers' key rows, the events and the commit go out together after the numbers: the line's counter
# row stays locked two round trips and the commit, whatever the batch's size.
INSERT_WITH_ID = _TK.insert().values({c: bindparam(c) for c in ("id", *_COLUMNS)})
NEXT_ID = select(func.nextval(literal_column("'tickets_id_seq'::regclass")), bindparam("i", type_=Integer))
QUOTA = select(func.count()).select_from(_TK).where(
    _TK.c.id_hash == bindparam("h"), _TK.c.hall_day == bindparam("day"), _TK.c.category == bindparam("cat"),
    _TK.c.status != "cancelled")


def statements(dialect: str) -> list[Any]:
    """Every statement the writer runs (PostgreSQL creates their batch functions at start-up)."""
    n = numbering.statements(dialect)
    return [INSERT, INSERT_WITH_ID, NEXT_ID, QUOTA, n.bump, n.take_back, *idem.statements(dialect), NOTIFY]


class Unit(Protocol):
    """A write in progress: its statements and the events it publishes once it commits."""

    @property
    def sql(self) -> Sql: ...

    def emit(self, kind: str, data: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class NewTicket:
    """Everything a new ticket row holds; ``offline_number`` keeps a number a terminal printed."""

    category: str
    day: str
    source: str
    issued_at: datetime
    queue_at: datetime
    public_token: str
    priority: str | None = None
    terminal_id: str | None = None
    id_hash: str | None = None
    id_masked: str | None = None
    appointment_id: int | None = None
    submission_id: int | None = None
    offline_number: str | None = None
    offline_issued_at: datetime | None = None
    offline_epoch: int = 0
    status: str = "waiting"
    # Refusals checked in the write: the category's daily cap, the per-ID daily quota (None: not checked).
    cap: int | None = None
    quota: int | None = None

    @property
    def lined(self) -> bool:
        """Counts in its category's line (the waiting counter): waiting, and not a 办不成事 ticket."""
        return self.status == "waiting" and self.priority != FALLBACK


@dataclass(frozen=True)
class Keyed:
    """A ticket to write and, when its request carried one, its Idempotency-Key."""

    ticket: NewTicket
    key: str | None = None
    digest: str = ""
    scope: str = "POST /tickets"


@dataclass(frozen=True)
class Written:
    id: int
    number: str
    seq: int | None
    waiting: int  # the line's waiting count after this ticket (0 when not known: offline tickets)
    claim: int | None = None  # the key row to fill with the answer


@dataclass(frozen=True)
class Follows:
    """A repeat, within the batch, of the key of request ``first``."""

    first: int
    digest: str


Outcome = Written | idem.Replay | Follows | DomainError


def write_many(unit: Unit, requests: Sequence[Keyed]) -> list[Outcome]:
    """Write the tickets; per request its row, a stored answer (Replay), a pointer to an earlier request
    of the batch with the same key (Follows), or the refusal. Refused tickets leave nothing written.
    Statements whose answers are not needed yet are sent before any is read (one PostgreSQL round trip
    for the keys and the quotas, one for the numbers, one for the rows)."""
    sql = unit.sql
    outcomes: list[Outcome | None] = [None] * len(requests)
    firsts = _firsts(requests, outcomes)
    claimed = sql.many(idem.claim_statement(sql.dialect), [
        {"scope": requests[i].scope, "key": requests[i].key, "digest": requests[i].digest, "at": datetime.now(UTC)}
        for i in firsts])
    counted = [i for i, o in enumerate(outcomes) if o is None and requests[i].ticket.id_hash is not None
               and requests[i].ticket.quota is not None]
    counts = sql.many(QUOTA, [{"h": requests[i].ticket.id_hash, "day": requests[i].ticket.day,
                               "cat": requests[i].ticket.category} for i in counted])
    early = sql.many(NEXT_ID, [{"i": i} for i in range(len(requests))]) if sql.dialect == "postgresql" else None
    claims = _read_claims(sql, requests, firsts, claimed, outcomes)
    _apply_quotas(requests, counted, counts, outcomes)
    numbers = _take_numbers(sql, requests, outcomes)
    todo = [i for i, o in enumerate(outcomes) if o is None]
    if early is not None:
        ids = {i: int(row[0]) for i, row in enumerate(early) if row is not None}
        sql.many(INSERT_WITH_ID, [{"id": ids[i], **_row(requests[i].ticket, numbers.get(i))} for i in todo])
    else:
        rows = sql.many(INSERT, [_row(requests[i].ticket, numbers.get(i)) for i in todo])
        ids = {i: int(row[0]) for i, row in zip(todo, rows, strict=True) if row is not None}
    for i in todo:
        number, seq, waiting = numbers.get(i) or (requests[i].ticket.offline_number or "", None, 0)
        outcomes[i] = Written(ids[i], number, seq, waiting, claims.get(i))
    sql.many(idem.RELEASE, [{"rid": rid} for i, rid in claims.items() if isinstance(outcomes[i], DomainError)])
    assert all(o is not None for o in outcomes)
    return outcomes  # type: ignore[return-value]


def _firsts(requests: Sequence[Keyed], out: list[Outcome | None]) -> list[int]:
    """The requests that claim their key, in key order (one lock order on every replica); a repeat of a
    key within the batch follows its first."""
    first: dict[tuple[str, str], int] = {}
    for i, r in enumerate(requests):
        if r.key is not None:
            if (r.scope, r.key) in first:
                out[i] = Follows(first[(r.scope, r.key)], r.digest)
            else:
                first[(r.scope, r.key)] = i
    return sorted(first.values(), key=lambda i: requests[i].key or "")


def _read_claims(sql: Sql, requests: Sequence[Keyed], firsts: list[int], claimed: Sequence[Sequence[Any] | None],
                 out: list[Outcome | None]) -> dict[int, int]:
    claims = {i: int(row[0]) for i, row in zip(firsts, claimed, strict=True) if row is not None}
    lost = [i for i in firsts if i not in claims]
    for i, stored in zip(lost, sql.many(idem.STORED, [{"scope": requests[i].scope, "key": requests[i].key}
                                                       for i in lost]), strict=True):
        assert stored is not None  # the conflict was with a committed row
        out[i] = idem.replay(stored, requests[i].digest)
    return claims


def _apply_quotas(requests: Sequence[Keyed], counted: list[int], counts: Sequence[Sequence[Any] | None],
                  out: list[Outcome | None]) -> None:
    earlier: Counter[tuple[Any, ...]] = Counter()
    for i, row in zip(counted, counts, strict=True):
        if out[i] is not None:
            continue  # a repeat: answered already, counts for nothing
        t = requests[i].ticket
        person = (t.id_hash, t.day, t.category)
        used = (int(row[0]) if row else 0) + earlier[person]
        refused = quota_refusal(issued_today=used, rule=QuotaRule(t.quota))
        if refused is None:
            earlier[person] += 1
        else:
            out[i] = refused


def _take_numbers(sql: Sql, requests: Sequence[Keyed], out: list[Outcome | None]) -> dict[int, tuple[str, int, int]]:
    st = numbering.statements(sql.dialect)
    todo = sorted((i for i, o in enumerate(out) if o is None and requests[i].ticket.offline_number is None),
                  key=lambda i: requests[i].ticket.category)  # one lock order on every replica
    offline = [i for i, o in enumerate(out) if o is None and requests[i].ticket.offline_number is not None
               and requests[i].ticket.lined]
    rows = sql.many(st.bump, [{"day": requests[i].ticket.day, "cat": requests[i].ticket.category, "seq": 1,
                               "delta": int(requests[i].ticket.lined)} for i in todo])
    numbers: dict[int, tuple[str, int, int]] = {}
    give_back: list[dict[str, Any]] = []
    for i, row in zip(todo, rows, strict=True):
        assert row is not None
        t, seq, waiting = requests[i].ticket, int(row[0]), int(row[1])
        refused = numbering.refusal(t.category, seq, t.cap)
        if refused is None:
            numbers[i] = (format_ticket_number(t.category, seq), seq, waiting)
        else:
            out[i] = refused
            give_back.append({"day": t.day, "cat": t.category, "delta": int(t.lined)})
    sql.many(st.take_back, give_back)
    sql.many(st.bump, [{"day": requests[i].ticket.day, "cat": requests[i].ticket.category, "seq": 0, "delta": 1}
                       for i in sorted(offline, key=lambda i: requests[i].ticket.category)])
    return numbers


def _row(t: NewTicket, numbered: tuple[str, int, int] | None) -> dict[str, Any]:
    number, seq = (numbered[0], numbered[1]) if numbered else (t.offline_number, None)
    return {"number": number, "seq": seq, "category": t.category, "hall_day": t.day, "status": t.status,
            "source": t.source, "priority": t.priority, "id_hash": t.id_hash, "id_masked": t.id_masked,
            "issued_at": t.issued_at, "queue_at": t.queue_at, "terminal_id": t.terminal_id,
            "public_token": t.public_token, "appointment_id": t.appointment_id, "call_count": 0,
            "submission_id": t.submission_id, "offline_number": t.offline_number,
            "offline_issued_at": t.offline_issued_at, "offline_epoch": t.offline_epoch}


def public_path(token: str) -> str:
    return f"/t/{token}"


def answer(t: NewTicket, w: Written, *, ahead: int | None, estimate: int | None) -> TicketOut:
    """The new ticket in the API's one shape (built from values the server made: not validated again)."""
    return TicketOut.model_construct(
        id=w.id, number=w.number, category=t.category, status=t.status, source=t.source, priority=t.priority,
        hall_day=t.day, waiting_ahead=ahead, estimated_wait_s=estimate, issued_at=t.issued_at, call_count=0,
        offline_number=t.offline_number, terminal_id=t.terminal_id, id_masked=t.id_masked,
        appointment_id=t.appointment_id, submission_id=t.submission_id, public_url=public_path(t.public_token),
        offline_issued_at=t.offline_issued_at)


def announce(unit: Unit, out: TicketOut) -> None:
    """The ``ticket.issued`` event (published when the unit commits)."""
    unit.emit("ticket.issued", {"id": out.id, "number": out.number, "category": out.category,
                                "priority": out.priority, "source": out.source, "waiting_ahead": out.waiting_ahead})


def finish(unit: Unit, requests: Sequence[Keyed], outcomes: Sequence[Outcome],
           answer_of: Callable[[int, NewTicket, Written], TicketOut]) -> list[tuple[int, str] | DomainError]:
    """Answers of a batch as (status, JSON text) or refusal: announce each new ticket, store its answer
    under its key, give repeats within the batch their first's answer."""
    results: list[tuple[int, str] | DomainError] = []
    fills: list[dict[str, Any]] = []
    for i, (req, o) in enumerate(zip(requests, outcomes, strict=True)):
        if isinstance(o, Written):
            out = answer_of(i, req.ticket, o)
            announce(unit, out)
            text = out.model_dump_json()
            if o.claim is not None:
                fills.append({"rid": o.claim, "status": 201, "body": text})
            results.append((201, text))
        elif isinstance(o, idem.Replay):
            results.append((o.status, o.body))
        elif isinstance(o, Follows):
            first = results[o.first]
            same = o.digest == requests[o.first].digest
            results.append(first if same or isinstance(first, DomainError) else IdempotencyMismatch())
        else:
            results.append(o)
    unit.sql.many(idem.FILL, fills)
    return results
