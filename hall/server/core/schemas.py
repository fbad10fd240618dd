"""Pieces every domain's schemas share: row ids, the error body, a strict input base, times as ISO text.

Schemas import pydantic and the domain only (no FastAPI, SQLAlchemy or Qt): ``hall.client`` builds its
answers from the same classes.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from hall.server.domain.free_text import has_personal, mask_free_text

MAX_ID = 2_147_483_647
# Any integer a request carries fits PostgreSQL's INTEGER (SQLite's limit, 2^63, is far above): a larger
# one is a 422 here, not an overflow inside the database driver.
MAX_INT = MAX_ID
# JSON nested deeper than this is refused (no form of the API nests more than four levels).
MAX_DEPTH = 8
# Row ids: bounded so a huge number is a 422, not an integer overflow inside the database driver.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Times go out as ``datetime.isoformat()`` (``…+00:00``), the form the API has always given.
IsoTime = Annotated[datetime, PlainSerializer(lambda at: at.isoformat(), return_type=str, when_used="json")]


def _code(value: str | None) -> str | None:
    if value is not None and has_personal(value):
        raise ValueError("must not contain an ID number or a phone number")
    return value


# Free text a person writes (notes, messages, reasons, names of things): ID and mobile numbers are masked
# before anything stores it, for every later reader. Codes and ids must not carry them at all (422).
FreeText = AfterValidator(mask_free_text)
CodeText = AfterValidator(_code)


class In(BaseModel):
    """Request bodies: unknown fields are refused (a typo is a 422, not silently ignored); so are, anywhere
    in the body (free-form fields included), nesting deeper than :data:`MAX_DEPTH`, integers beyond
    PostgreSQL's INTEGER, numbers that are not finite, and NUL characters (PostgreSQL's text refuses them)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _sane_values(cls, data: Any) -> Any:
        problem = _insane(data, 0)
        if problem:
            raise ValueError(problem)
        return data


def _insane(value: Any, depth: int) -> str | None:
    """What is wrong with ``value`` (never echoing it), or None. Nested models check themselves."""
    if isinstance(value, str):
        return "contains a NUL character" if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"an integer beyond ±{MAX_INT}" if abs(value) > MAX_INT else None
    if isinstance(value, float):
        return "a number that is not finite" if not math.isfinite(value) else None
    if isinstance(value, dict | list | tuple):
        if depth >= MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else list(value)
        for item in items:
            problem = _insane(item, depth + 1)
            if problem:
                return problem
    return None


class Out(BaseModel):
    """Answers: unknown fields are ignored so an older client survives a newer server."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorBody(Out):
    code: str
    message: str
    message_zh: str | None = None
    message_en: str | None = None


class ErrorOut(Out):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 429)}
