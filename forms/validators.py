"""Validators and filters shared by several forms."""
import re
from decimal import Decimal

from wtforms.validators import ValidationError

from workflow.core import creditcode


def credit_code(form, field) -> None:
    reason = creditcode.problem(field.data or "")
    if reason:
        raise ValidationError(reason)
    field.data = creditcode.normalize(field.data)


def no_control_chars(form, field) -> None:
    if field.data and any(ord(c) < 32 and c not in "\r\n\t" for c in str(field.data)):
        from flask_babel import gettext as _

        raise ValidationError(_("Remove the control characters from this text."))


def quiet_nan(value):
    """Decimal reads "sNaN" as a signalling NaN, which NumberRange cannot even compare (a
    server error); make it a quiet NaN, which NumberRange refuses like any other bad number."""
    return Decimal("NaN") if isinstance(value, Decimal) and value.is_snan() else value


_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&#?\w+;")


def no_markup(form, field) -> None:
    """Short notes are plain text; a tag or an entity in one is a mistake or an attack."""
    if field.data and _MARKUP.search(str(field.data)):
        from flask_babel import gettext as _

        raise ValidationError(_("Write plain text: HTML tags and entities are not accepted."))
