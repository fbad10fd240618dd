"""Terminals: registration and heartbeats; a terminal is offline when its heartbeat is late."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.core.context import HallContext
from hall.server.terminals.errors import OtherKind, PrefixTaken, TerminalNotRegistered
from hall.server.terminals.faults import fault_order, faults
from hall.server.terminals.models import Terminal
from hall.server.terminals.schemas import HeartbeatIn, RegisterIn, TerminalOut


def terminal_out(hall: HallContext, t: Terminal, now: datetime | None = None) -> TerminalOut:
    now = now or datetime.now(UTC)
    online = t.last_seen is not None and (now - t.last_seen).total_seconds() <= hall.options.terminal_offline_after_s
    devices = [d for d in (t.devices or []) if isinstance(d, dict)]
    zh, en = faults(devices, online=online)
    return TerminalOut(id=t.id, name=t.name, kind=t.kind, window=t.window, location=t.location, version=t.version,
                       offline_prefix=t.offline_prefix, online=online,
                       last_seen=t.last_seen, devices=devices, outbox_backlog=t.outbox_backlog,
                       oldest_pending_s=t.oldest_pending_s, faults=zh, faults_en=en)


def register(hall: HallContext, body: RegisterIn) -> TerminalOut:
    """Create or update the terminal; it counts as seen now (``terminal.changed`` goes out). An
    ``offline_prefix`` is claimed for it (kept when omitted). Raises PrefixTaken."""
    with hall.unit() as tx:
        t = tx.session.get(Terminal, body.id) or Terminal(id=body.id, registered_at=datetime.now(UTC))
        if body.offline_prefix is not None and body.offline_prefix != t.offline_prefix:
            holder = prefix_holder(tx.session, body.offline_prefix)
            if holder is not None and holder != body.id:
                raise PrefixTaken(prefix=body.offline_prefix)
            t.offline_prefix = body.offline_prefix
        t.name, t.kind, t.location, t.version = body.name, body.kind, body.location, body.version
        t.window = body.window if body.kind in ("counter", "evaluator") else None
        t.last_seen = datetime.now(UTC)
        tx.session.add(t)
        tx.session.flush()
        out = terminal_out(hall, t)
        tx.emit("terminal.changed", out.model_dump(mode="json"))
        return out


def check_kind(hall: HallContext, terminal_id: str, kind: str) -> None:
    """A display's or pad's token may not take over a terminal of another kind. Raises OtherKind."""
    with hall.db.read() as s:
        have = s.scalar(select(Terminal.kind).where(Terminal.id == terminal_id))
    if have is not None and have != kind:
        raise OtherKind(kind=kind)


def prefix_holder(session: Session, prefix: str) -> str | None:
    """The id of the terminal that holds the offline ``prefix`` (None: nobody yet)."""
    return session.scalar(select(Terminal.id).where(Terminal.offline_prefix == prefix))


def claim_prefix(session: Session, terminal_id: str, prefix: str) -> bool:
    """Is ``prefix`` this terminal's? An unheld prefix is claimed by a terminal that holds none yet (its
    first offline ticket; the terminal is registered then if it was not)."""
    holder = prefix_holder(session, prefix)
    if holder is not None:
        return holder == terminal_id
    t = session.get(Terminal, terminal_id)
    if t is None:
        t = Terminal(id=terminal_id, kind="kiosk", registered_at=datetime.now(UTC))
        session.add(t)
    elif t.offline_prefix is not None:
        return False
    t.offline_prefix = prefix
    session.flush()
    return True


def heartbeat(hall: HallContext, terminal_id: str, body: HeartbeatIn) -> TerminalOut:
    """Record a heartbeat. Raises TerminalNotRegistered."""
    with hall.unit() as tx:
        t = tx.session.get(Terminal, terminal_id)
        if t is None:
            raise TerminalNotRegistered()
        now = datetime.now(UTC)
        was = terminal_out(hall, t, now)
        t.last_seen, t.devices = now, [d.model_dump() for d in body.devices]
        t.outbox_backlog, t.oldest_pending_s = body.outbox_backlog, body.oldest_pending_s
        t.version = body.version or t.version
        out = terminal_out(hall, t, now)
        # Only changes go out as events; a steady heartbeat would flood every dashboard.
        if (was.online, was.devices, was.outbox_backlog) != (True, out.devices, out.outbox_backlog):
            tx.emit("terminal.changed", out.model_dump(mode="json"))
        return out


def terminals(hall: HallContext) -> list[TerminalOut]:
    """Every terminal of every kind (kiosk, counter, display, evaluator): faulty ones first."""
    now = datetime.now(UTC)
    with hall.db.read() as s:
        out = [terminal_out(hall, t, now) for t in s.scalars(select(Terminal))]
    return sorted(out, key=lambda t: fault_order(t.online, len(t.faults), t.kind, t.id))


def counters_online(session: Session, hall: HallContext, now: datetime) -> dict[int, bool]:
    """Window → is the counter program registered for it beating? (windows without one are absent)."""
    limit = hall.options.terminal_offline_after_s
    seen: dict[int, bool] = {}
    for window, last in session.execute(select(Terminal.window, Terminal.last_seen)
                                        .where(Terminal.kind == "counter", Terminal.window.is_not(None))):
        if window is not None:
            alive = last is not None and (now - last).total_seconds() <= limit
            seen[window] = seen.get(window, False) or alive
    return seen
