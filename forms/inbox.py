"""How a person gets the mails of their notifications (their own account page)."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from forms.base import FlaskForm


class MailDeliveryForm(FlaskForm):
    """One of models.users.MAIL_DELIVERIES; anything else is refused by the field."""

    delivery = RadioField(_l("Mails of my notifications"), choices=[
        SelectChoice("immediate", _l("One mail for each notification, at once")),
        SelectChoice("daily", _l("One digest a day, listing them all"))],
        validators=[InputRequired(_l("Choose how you get the mails."))])
