"""Read-only checks of the recommendation step."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.recommendation.models import Recommendation


def recommender_deadline(app: Application, actor) -> list[str]:
    deadline = app.call.recommend_deadline
    if deadline is not None and now() >= deadline:
        return [_("The recommendation deadline of this call has passed.")]
    return []


def recommend_problems(app: Application, actor) -> list[str]:
    """The state change needs the Recommendation row that recommend_application writes."""
    problems = recommender_deadline(app, actor)
    if db.session.scalar(select(Recommendation.id).where(
            Recommendation.application_id == app.id)) is None:
        problems.append(_("Recommend with a rank and an opinion through the recommendation "
                          "form."))
    return problems
