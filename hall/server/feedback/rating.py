"""One rating per service (issue 15, item 1): which ticket or case a rating is for, whether it was
served, and the one-time rating code printed on the receipt.

A ticket is rated once and only once it was called and finished — by the evaluation pad of the window
that finished it, by staff, or at a kiosk with the ticket's rating code; a case (registration code)
once. The unique ``evaluations.service_key`` makes the second rating fail even when two arrive at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.auth import scope
from hall.server.auth.cache import Principal
from hall.server.core.security import Keyring
from hall.server.domain.errors import DomainError
from hall.server.domain.submissions import parse_registration_code
from hall.server.feedback.models import Evaluation
from hall.server.submissions.models import Submission
from hall.server.tickets.models import Ticket
from hall.server.tickets.rating_code import BadRatingCode, ticket_of_code

# A bound kiosk token rates a ticket only with its rating code (the citizen's receipt), never by its id
# (the deprecated shared "terminal" role, which pads used too, may still name the id: once, if served).
_CODE_ONLY = frozenset({"kiosk"})


class DuplicateEvaluation(DomainError):
    code = "evaluation.duplicate"
    kind = "conflict"
    template_zh = "该服务已评价过，每次服务只能评价一次"
    template_en = "this service has already been rated; each service is rated once"


class NotServed(DomainError):
    code = "evaluation.not_served"
    kind = "refused"
    template_zh = "该号尚未办结，办结后才能评价"
    template_en = "this ticket has not been served yet; rate it once it is finished"


class NoService(DomainError):
    code = "evaluation.no_service"
    kind = "invalid"
    template_zh = "请扫描或输入小票上的评价码，或输入办件编号"
    template_en = "give the rating code on the receipt, or the case's registration code"


class CaseNotFound(DomainError):
    code = "evaluation.case_not_found"
    kind = "not_found"
    template_zh = "没有该办件编号"
    template_en = "no case with this registration code"


class CasePending(DomainError):
    """A terminal's own offline code whose application has not reached the server yet: its outbox keeps
    the rating and sends it again (a conflict, not a refusal)."""

    code = "evaluation.case_pending"
    kind = "conflict"
    template_zh = "该办件尚未送达服务器，评价稍后自动补交"
    template_en = "the application has not reached the server yet; the rating is sent again later"


@dataclass(frozen=True)
class Service:
    """What a rating is for, as the server found it."""

    key: str
    window: int | None = None
    clerk: str | None = None
    item_code: str | None = None
    case_code: str | None = None
    ticket_id: int | None = None


def served_ticket(session: Session, who: Principal, ticket_id: int) -> Service:
    """The service of a finished ticket; an evaluation pad rates only its own window's.
    Raises NotServed, OtherWindow."""
    t = session.get(Ticket, ticket_id)
    if t is None or t.status != "done" or t.called_at is None:
        raise NotServed()
    if who.window is not None and t.window != who.window:
        raise scope.OtherWindow(window=who.window)
    case = (session.get(Submission, t.submission_id) if t.submission_id else
            session.scalar(select(Submission).where(Submission.ticket_id == t.id).order_by(Submission.id.desc())))
    return Service(key=f"t:{t.id}", window=t.window, clerk=t.clerk, ticket_id=t.id,
                   item_code=case.item_code if case else None, case_code=case.code if case else None)


def service_for(session: Session, keyring: Keyring, who: Principal, *, ticket_id: int | None,
                rating_code: str | None, submission_code: str | None) -> Service:
    """The one service a rating names. A kiosk names a ticket by its rating code only.
    Raises NoService, BadRatingCode, NotServed, CaseNotFound, OtherWindow, DuplicateEvaluation."""
    if rating_code:
        found = served_ticket(session, who, ticket_of_code(keyring, rating_code))
    elif ticket_id is not None and who.role not in _CODE_ONLY:
        found = served_ticket(session, who, ticket_id)
    elif submission_code:
        # A kiosk that submitted offline knows only the local code it printed; the server keeps both.
        case = session.scalar(select(Submission).where(
            (Submission.code == submission_code) | (Submission.local_code == submission_code)))
        if case is None:
            if _is_registration_code(submission_code):
                raise CaseNotFound()
            raise CasePending()  # an offline local code: the application is still on its way
        found = Service(key=f"s:{case.code}", item_code=case.item_code, case_code=case.code)
    elif ticket_id is not None:
        raise BadRatingCode()
    else:
        raise NoService()
    if session.scalar(select(Evaluation.id).where(Evaluation.service_key == found.key)) is not None:
        raise DuplicateEvaluation()
    return found


def _is_registration_code(text: str) -> bool:
    try:
        parse_registration_code(text)
    except DomainError:
        return False
    return True
