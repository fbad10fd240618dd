"""Staff accounts (managers) and the counter's sign-in / sign-out with a PIN."""

from __future__ import annotations

from fastapi import APIRouter

from hall.server.audit import service as audit
from hall.server.auth.deps import ClerkRole, HallDep, ManagerRole
from hall.server.auth.scope import for_window
from hall.server.core.params import WindowNo
from hall.server.core.schemas import ERRORS
from hall.server.staff import service as svc
from hall.server.staff.schemas import SignInIn, StaffIn, StaffOut
from hall.server.stats.service import refresh_estimates
from hall.server.windows.schemas import WindowOut

router = APIRouter(tags=["staff"], responses=ERRORS)


@router.post("/staff", status_code=201, response_model=StaffOut)
def create_staff(body: StaffIn, hall: HallDep, who: ManagerRole) -> StaffOut:
    """A staff account (工号, name, PIN). 409 ``staff.exists``."""
    with hall.unit() as tx:
        st = svc.create_staff(tx.session, staff_no=body.staff_no, name=body.name, pin=body.pin)
        audit.record(tx.session, who, "staff.create", f"staff {st.staff_no}")
        return svc.staff_out(st)


@router.get("/staff", response_model=list[StaffOut])
def list_staff(hall: HallDep, who: ManagerRole) -> list[StaffOut]:
    return svc.list_staff(hall)


@router.post("/windows/{window}/sign-in", response_model=WindowOut)
def sign_in(window: WindowNo, body: SignInIn, hall: HallDep, who: ClerkRole) -> WindowOut:
    """The clerk signs in with 工号 and PIN: the window opens under the clerk's name.
    403 ``staff.sign_in_failed`` / ``staff.locked`` (five wrong PINs in a row)."""
    for_window(who, window)
    out = svc.sign_in(hall, window, staff_no=body.staff_no, pin=body.pin, who=who)
    refresh_estimates(hall)
    return out


@router.post("/windows/{window}/sign-out", response_model=WindowOut)
def sign_out(window: WindowNo, hall: HallDep, who: ClerkRole) -> WindowOut:
    """The clerk signs out: the window closes. 409 ``staff.not_signed_in``."""
    for_window(who, window)
    out = svc.sign_out(hall, window, who=who)
    refresh_estimates(hall)
    return out
