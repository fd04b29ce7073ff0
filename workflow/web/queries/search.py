"""What the search boxes of the lists look in: applications by their title and by the name
and credit code of the lead unit and of the co-builders; experts by name, employer and its
credit code (and, where asked, their fields). What was typed is matched as it is: % and _
are characters, not wildcards; case does not matter."""
from sqlalchemy import or_, select

from workflow.core import creditcode
from workflow.core.extensions import db
from workflow.experts.models import Expert, ExpertField
from workflow.intake.models import Application, CoBuilder
from workflow.organizations.models import Organization
from workflow.vocabulary.models import FieldTerm

MAX_TEXT = 100


def clean(text: str | None) -> str:
    """The search text of a request argument: trimmed, at most MAX_TEXT characters."""
    return (text or "").strip()[:MAX_TEXT]


def _like(column, text: str):
    return column.icontains(text, autoescape=True)


def _code_like(column, text: str) -> list:
    """A credit code is typed with spaces or dashes, in either case: compared compact."""
    code = creditcode.normalize(text)
    return [_like(column, code)] if code else []


def application_matches(text: str):
    """The condition on Application for `text` (not empty)."""
    return or_(
        _like(Application.title, text),
        Application.lead_org.has(or_(_like(Organization.name, text),
                                     *_code_like(Organization.credit_code, text))),
        Application.cobuilders.any(or_(_like(CoBuilder.name, text),
                                       *_code_like(CoBuilder.credit_code, text))),
    )


def matching_application_ids(call_id: int, text: str) -> set[int]:
    """The ids of the call's applications that `text` finds: one statement, for lists built
    in Python (a ranking) that are filtered after they are built."""
    return set(db.session.scalars(select(Application.id).where(
        Application.call_id == call_id, application_matches(text))))


def expert_matches(text: str, *, fields: bool = False):
    """The condition on Expert for `text` (not empty); with `fields`, a term's name too."""
    found = [_like(Expert.name, text), _like(Expert.employer_name, text),
             *_code_like(Expert.employer_credit_code, text)]
    if fields:
        found.append(Expert.fields.any(ExpertField.term.has(_like(FieldTerm.name, text))))
    return or_(*found)
