"""The answers of the hall server, as the server builds them: its own schema classes under the names the
client has always used. Unknown fields are ignored (``Out``), so an older client survives a newer server.

These modules import pydantic and the server's domain only — never FastAPI or SQLAlchemy — so a terminal
that imports the client loads no server machinery (tests/unit/hall/test_client_models.py).
"""

from __future__ import annotations

from hall.server.appointments.schemas import AppointmentDetailOut as AppointmentDetail
from hall.server.appointments.schemas import AppointmentOut as Appointment
from hall.server.appointments.schemas import CheckInOut as CheckIn
from hall.server.catalogue.schemas import CategoryOut as Category
from hall.server.catalogue.schemas import ServiceItemOut as ServiceItem
from hall.server.feedback.schemas import EvaluationOut as Evaluation
from hall.server.feedback.schemas import FollowUpOut as FollowUp
from hall.server.identity.schemas import IdentityOut as Identity
from hall.server.submissions.schemas import LicenseOut as License
from hall.server.submissions.schemas import SubmissionDetailOut as SubmissionDetail
from hall.server.submissions.schemas import SubmissionOut as Submission
from hall.server.terminals.schemas import TerminalOut as Terminal
from hall.server.tickets.schemas import ExplanationOut as Explanation
from hall.server.tickets.schemas import FollowOut as Follow
from hall.server.tickets.schemas import TicketOut as Ticket
from hall.server.windows.schemas import WindowOut as Window

__all__ = ["Appointment", "AppointmentDetail", "Category", "CheckIn", "Evaluation", "Explanation", "Follow",
           "FollowUp", "Identity", "License", "ServiceItem", "Submission", "SubmissionDetail", "Terminal", "Ticket",
           "Window"]
