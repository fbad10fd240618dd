"""Staff accounts and the counter's sign-in over the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hall.server.core.schemas import CodeText, FreeText, In, IsoTime, Out

STAFF_NO_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"


class StaffIn(In):
    staff_no: Annotated[str, CodeText] = Field(pattern=STAFF_NO_PATTERN)
    name: Annotated[str, FreeText] = Field(min_length=1, max_length=64)
    pin: str = Field(pattern=r"^[0-9]{4,8}$")


class SignInIn(In):
    staff_no: Annotated[str, CodeText] = Field(pattern=STAFF_NO_PATTERN)
    pin: str = Field(min_length=1, max_length=16)


class StaffOut(Out):
    """A staff account as managers see it (never the PIN or its hash)."""

    id: int
    staff_no: str
    name: str
    window: int | None = None
    locked_until: IsoTime | None = None
    created_at: IsoTime | None = None
