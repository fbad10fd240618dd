"""The dashboard's staff accounts panel: list them and create one (工号, name, PIN), with the session
cookie and its CSRF token like every dashboard write (issue 15, item 4)."""

from __future__ import annotations

from fastapi import APIRouter

from hall.server.audit import service as audit
from hall.server.auth.deps import HallDep
from hall.server.dashboard.auth import Manager, ManagerWrite
from hall.server.staff import service as svc
from hall.server.staff.schemas import StaffIn, StaffOut

router = APIRouter()


@router.get("/staff", response_model=list[StaffOut])
def list_staff(hall: HallDep, user: Manager) -> list[StaffOut]:
    return svc.list_staff(hall)


@router.post("/staff", status_code=201, response_model=StaffOut)
def create_staff(body: StaffIn, hall: HallDep, user: ManagerWrite) -> StaffOut:
    """A new staff account; 409 ``staff.exists``. The PIN is hashed at once and never shown again."""
    with hall.unit() as tx:
        st = svc.create_staff(tx.session, staff_no=body.staff_no, name=body.name, pin=body.pin)
        audit.record(tx.session, user, "staff.create", f"staff {st.staff_no}", "dashboard")
        return svc.staff_out(st)
