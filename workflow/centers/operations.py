"""Writers of the center record."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.centers.models import Center
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import CENTER_STATES


def open_center(app, *, actor) -> Center:
    """The center `app` became, made on first need from the approved application: its title,
    lead unit, project head and the call's construction period."""
    center = db.session.scalar(select(Center).where(Center.application_id == app.id))
    if center is not None:
        return center
    if app.state not in CENTER_STATES:
        raise ServiceError(_("Only an approved application becomes a center."))
    basic = next((s.data for s in app.sections if s.key == "basic"), {})
    center = Center(application_id=app.id, name=app.title, lead_org_id=app.lead_org_id,
                    director=str(basic.get("project_head") or "")[:50],
                    construction_years=app.call.construction_years)
    db.session.add(center)
    db.session.flush()
    return center
