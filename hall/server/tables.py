"""Every table of the hall server, so ``Base.metadata`` is complete (Alembic and the schema tests use it)."""

from hall.server.appointments.models import Appointment, PhoneCode
from hall.server.audit.models import AuditEntry
from hall.server.auth.models import ApiToken
from hall.server.calendar.models import CalendarDay
from hall.server.catalogue.models import CatalogueImport, Category, ServiceItem, ServiceItemVersion
from hall.server.connectors.platform_models import PlatformCase
from hall.server.connectors.sms.models import SmsOutbox, SmsReceipt
from hall.server.core.models import IdempotencyKey
from hall.server.core.orm import Base
from hall.server.dashboard.models import EndedSession
from hall.server.feedback.models import Evaluation, FollowUp, FollowUpStep
from hall.server.hallday.models import HallDay
from hall.server.identity.models import ServiceCode
from hall.server.notices.models import TicketNotice
from hall.server.staff.models import Staff
from hall.server.submissions.models import Blob, Submission, SubmissionMaterial, SubmissionStatus
from hall.server.terminals.models import Terminal
from hall.server.tickets.models import Ticket, TicketCounter
from hall.server.windows.models import Window

__all__ = [
    "ApiToken", "Appointment", "AuditEntry", "Base", "Blob", "CalendarDay", "CatalogueImport", "Category",
    "EndedSession", "Evaluation", "FollowUp", "FollowUpStep", "HallDay", "IdempotencyKey", "PhoneCode",
    "PlatformCase", "ServiceCode", "ServiceItem", "ServiceItemVersion", "SmsOutbox", "SmsReceipt", "Staff",
    "Submission", "SubmissionMaterial", "SubmissionStatus", "Terminal", "Ticket", "TicketCounter", "TicketNotice",
    "Window",
]
