"""What every form of the app shares: Flask-WTF's FlaskForm that, on the page a user returns
to after logging in again, is filled in with what they had typed when their session ended
(workflow/web/views/kept_forms.py); and the one-time token of the create forms."""
import flask_wtf
from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import ValidationError

from workflow.web.operations import once


def _names(form) -> set[str]:
    return set(form._fields)


def _fits(kept, form) -> bool:
    """The kept values belong to this form: each names one of its fields (a row of a field
    list is named "rows-0-code")."""
    return bool(kept) and {name.split("-")[0] for name in kept} <= _names(form)


class FlaskForm(flask_wtf.FlaskForm):
    class Meta(flask_wtf.FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            kept = g.get("kept_form") if has_request_context() else None
            if kept is not None and request.method == "GET" and _fits(kept, form):
                return kept
            return super().wrap_formdata(form, formdata)


class OnceField(HiddenField):
    """The form's one-time token (web/operations/once.py): a new one each time the form is shown.
    A form sent with a token that is too old, forged or (where required) missing is shown
    again as it was typed, with a new token and a message (templates/_macros/once.html)."""

    def __init__(self, **kwargs):
        super().__init__(default=once.issue, **kwargs)

    def pre_validate(self, form):
        sent = self.raw_data[0] if self.raw_data else ""
        if once.nonce_of(sent) is not None:
            return
        if sent or current_app.config["FORM_TOKEN_REQUIRED"]:
            self.data = once.issue()
            raise ValidationError(_l("This form was open for too long or is incomplete. Check "
                                     "what you typed and send it again."))
        self.data = ""  # allowed without (tests of other features, see config.py)


class OnceForm(FlaskForm):
    """A form that creates something: sent once, whatever the clicks (web/views/once.py)."""

    once = OnceField()
