"""An item's application form (申请表): its documented JSON format, the checks of a citizen's answers,
and the standard form an item without its own gets. Shared by the server (validates, stores), the
kiosk (renders, checks as the citizen types) and the counter (labels); plain Python only.

The format is described in docs/forms.md.
"""

from hall.forms.definition import (
    APPLICANT_KEY,
    APPLICANT_TYPES,
    FIELD_TYPES,
    PREFILL_SOURCES,
    Field,
    FormDefinition,
    FormDefinitionError,
    Option,
    Text,
    parse_form,
)
from hall.forms.rules import Problem, check, fields_for, labels, shown, validate
from hall.forms.standard import LEGAL_PERSON_FIELDS, STANDARD_FORM, form_or_standard

__all__ = [
    "APPLICANT_KEY", "APPLICANT_TYPES", "FIELD_TYPES", "LEGAL_PERSON_FIELDS", "PREFILL_SOURCES", "STANDARD_FORM",
    "Field", "FormDefinition", "FormDefinitionError", "Option", "Problem", "Text", "check", "fields_for",
    "form_or_standard", "labels", "parse_form", "shown", "validate",
]
