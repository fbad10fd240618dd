"""All ORM models, imported here so ``Base.metadata`` knows every table (Alembic relies on it)."""

from hall.server.models.audit import AuditEntry, ServiceCode
from hall.server.models.auth import ApiToken, IdempotencyKey
from hall.server.models.base import Base, utcnow
from hall.server.models.catalogue import Category, ServiceItem
from hall.server.models.queue import HallDay, Ticket, TicketCounter, TicketNotice, Window
from hall.server.models.service import Appointment, Evaluation, FollowUp, Terminal
from hall.server.models.submissions import Blob, Submission, SubmissionMaterial, SubmissionStatus

__all__ = [
    "ApiToken", "Appointment", "AuditEntry", "Base", "Blob", "Category", "Evaluation", "FollowUp", "HallDay",
    "IdempotencyKey", "ServiceCode", "ServiceItem", "Submission", "SubmissionMaterial", "SubmissionStatus",
    "Terminal", "Ticket", "TicketCounter", "TicketNotice", "Window", "utcnow",
]
