"""Answers to the standard application form (hall.forms.STANDARD_FORM), as a kiosk sends them: the server
refuses a submission sent straight to it whose answers do not fit its item's form (docs/forms.md)."""

from __future__ import annotations

STANDARD_ANSWERS: dict[str, str] = {"phone": "13800000000", "delivery": "hall"}
