"""Staff accounts and the counter's sign-in (issue 15, item 4): a clerk signs in at a window with a
staff number and PIN, which opens it under the clerk's name (tickets then carry it: reports per clerk);
signing out closes it. Five wrong PINs in a row lock the account for ``LOCK_MINUTES``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall.server.audit import service as audit
from hall.server.core.context import HallContext
from hall.server.staff.errors import (
    BadPinFormat,
    NameRequired,
    NotSignedIn,
    SignInFailed,
    StaffExists,
    StaffLocked,
)
from hall.server.staff.models import Staff
from hall.server.staff.pins import PIN_PATTERN, hash_pin, pin_matches
from hall.server.staff.schemas import StaffOut
from hall.server.windows.schemas import WindowOut
from hall.server.windows.service import get_window, set_status

MAX_FAILURES = 5
LOCK_MINUTES = 15
# Compared against when the staff number is unknown, so both refusals take the same time.
_DUMMY = hash_pin("0000")


def staff_out(st: Staff) -> StaffOut:
    return StaffOut(id=st.id, staff_no=st.staff_no, name=st.name, window=st.window, locked_until=st.locked_until,
                    created_at=st.created_at)


def create_staff(session: Session, *, staff_no: str, name: str, pin: str) -> Staff:
    """A new account with the PIN's hash. Raises BadPinFormat, NameRequired, StaffExists (also when two
    with the same number arrive at once: the unique constraint decides)."""
    if not PIN_PATTERN.match(pin):
        raise BadPinFormat()
    if not name.strip():
        raise NameRequired()
    if session.scalar(select(Staff.id).where(Staff.staff_no == staff_no)) is not None:
        raise StaffExists(staff_no=staff_no)
    st = Staff(staff_no=staff_no, name=name.strip(), pin_hash=hash_pin(pin), created_at=datetime.now(UTC))
    session.add(st)
    try:
        session.flush()
    except IntegrityError as exc:
        raise StaffExists(staff_no=staff_no) from exc
    return st


def list_staff(hall: HallContext) -> list[StaffOut]:
    with hall.db.read() as s:
        return [staff_out(st) for st in s.scalars(select(Staff).order_by(Staff.staff_no))]


def sign_in(hall: HallContext, window: int, *, staff_no: str, pin: str, who: audit.Actor) -> WindowOut:
    """Open ``window`` under the clerk's name (signed out of any other window first). A failure is
    counted even though it is refused. Raises SignInFailed, StaffLocked, WindowNotFound."""
    now = datetime.now(UTC)
    refusal: SignInFailed | StaffLocked | None = None
    with hall.unit() as tx:
        get_window(tx, window)  # WindowNotFound before anything is counted
        st = tx.session.scalar(select(Staff).where(Staff.staff_no == staff_no, Staff.disabled_at.is_(None)))
        if st is not None and st.locked_until is not None and st.locked_until > now:
            refusal = StaffLocked(minutes=LOCK_MINUTES)
        elif st is None or not pin_matches(pin, st.pin_hash):
            if st is None:
                pin_matches(pin, _DUMMY)
                refusal = SignInFailed()
            else:
                st.failed_attempts = (st.failed_attempts or 0) + 1
                refusal = SignInFailed()
                if st.failed_attempts >= MAX_FAILURES:
                    st.failed_attempts, st.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
                    refusal = StaffLocked(minutes=LOCK_MINUTES)
            audit.record(tx.session, who, "staff.sign_in_failed", f"window {window}", staff_no)
        else:
            st.failed_attempts, st.locked_until = 0, None
            if st.window is not None and st.window != window:
                set_status(hall, tx, st.window, status="closed", clerk="")
            st.window = window
            out = set_status(hall, tx, window, status="open", clerk=st.name)
            audit.record(tx.session, who, "staff.sign_in", f"window {window}", st.staff_no)
    if refusal is not None:
        raise refusal
    return out


def sign_out(hall: HallContext, window: int, *, who: audit.Actor) -> WindowOut:
    """Close ``window`` and sign its clerk out. Raises NotSignedIn, WindowNotFound."""
    with hall.unit() as tx:
        w = get_window(tx, window)
        st = tx.session.scalar(select(Staff).where(Staff.window == window))
        if st is None and not w.clerk:
            raise NotSignedIn()
        if st is not None:
            st.window = None
        out = set_status(hall, tx, window, status="closed", clerk="")
        audit.record(tx.session, who, "staff.sign_out", f"window {window}", st.staff_no if st else "")
    return out
