"""Guards and effects of the transition table's actions, registered in lifecycle/registry.py.

A guard returns the problems that stop an action (empty: it may go ahead); an effect runs
after the state is set, in the same transaction. Neither calls `transition`.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application, ApplicationVersion
from workflow.intake.operations.intake import snapshot, submission_problems
from workflow.intake.rules import eligibility
from workflow.recommendation.models import Recommendation
from workflow.review.operations.assignment import panel_problems


def submit(app: Application, actor) -> list[str]:
    if not app.call.accepts_filings(now()):
        return [_("The filing window of this call has closed; applications can no longer be "
                  "submitted.")]
    return submission_problems(app) + eligibility.hard_failures(app)


def resubmit(app: Application, actor) -> list[str]:
    return (recommender_deadline(app, actor) + submission_problems(app)
            + eligibility.hard_failures(app))


def expire(app: Application, actor) -> list[str]:
    if now() < app.call.closes_at:
        return [_("The filing window is still open.")]
    return []


def recommender_deadline(app: Application, actor) -> list[str]:
    deadline = app.call.recommend_deadline
    if deadline is not None and now() >= deadline:
        return [_("The recommendation deadline of this call has passed.")]
    return []


def recommend(app: Application, actor) -> list[str]:
    """The state change needs the Recommendation row that recommend_application writes."""
    problems = recommender_deadline(app, actor)
    if db.session.scalar(select(Recommendation.id).where(
            Recommendation.application_id == app.id)) is None:
        problems.append(_("Recommend with a rank and an opinion through the recommendation "
                          "form."))
    return problems


def request_correction(app: Application, actor) -> list[str]:
    if db.session.scalar(select(CorrectionRequest.id).where(
            CorrectionRequest.application_id == app.id,
            CorrectionRequest.answered_at.is_(None))) is None:
        return [_("Request corrections through the checklist.")]
    return []


def pass_formal_review(app: Application, actor) -> list[str]:
    problems = [_("Checklist item not checked: %(label)s", label=i.label)
                for i in checklist.unchecked_items(app)]
    problems += [_("Checklist item failed: %(label)s", label=i["label"])
                 for i in checklist.failed_items(app)]
    return problems


def resubmit_correction(app: Application, actor) -> list[str]:
    correction = checklist.open_correction(app)
    if correction is None:
        return [_("There is no open correction request.")]
    if now() > correction.deadline_at:
        return [_("The correction deadline has passed.")]
    return submission_problems(app)


def expire_correction(app: Application, actor) -> list[str]:
    correction = checklist.open_correction(app)
    if correction is None or now() <= correction.deadline_at:
        return [_("The correction deadline has not passed.")]
    return []


def open_review(app: Application, actor) -> list[str]:
    """The panel is complete: k accepted experts, one of them the chair, none excluded."""
    return panel_problems(app)


def close_review(app: Application, actor) -> list[str]:
    """Every accepted seat submitted, no unresolved dispersion alarm, the chair confirmed."""
    from workflow.review.operations import results

    return results.close_problems(app)


# The selection, publicity and objection rules live in services that change states through
# transition(), which imports this module: they are imported where used (as close_review does).


def shortlist(app: Application, actor, comment: str | None = None) -> list[str]:
    """Quota, one center per field, and a reason for a departure from the ranking. Pages
    ask without a comment (None): the reason rule is then left to the moment of the action."""
    from workflow.selection import operations as selection

    return selection.shortlist_problems(app, comment)


def not_select(app: Application, actor) -> list[str]:
    from workflow.selection import operations as selection

    return selection.decision_problems(app)


def reconsider_selection(app: Application, actor) -> list[str]:
    """A decision taken by mistake is taken back while it is still internal: once the
    announcement is published, the list is public and only the objection procedure changes it."""
    from workflow.selection import operations as selection

    return selection.decision_problems(app)


def publish_publicity(app: Application, actor) -> list[str]:
    """Applications enter publicity only as entries of their call's published announcement."""
    from workflow.publicity.operations import publicity

    return publicity.listing_problems(app)


def end_publicity(app: Application, actor) -> list[str]:
    from workflow.publicity.operations import publicity

    return publicity.period_end_problems(app, objection_open=False)


def raise_objection_review(app: Application, actor) -> list[str]:
    from workflow.publicity.operations import publicity

    return publicity.period_end_problems(app, objection_open=True)


def decide_objection_review(app: Application, actor, comment: str = "") -> list[str]:
    """The leader decides once the officer has recorded the handling of every open objection."""
    from workflow.publicity.operations import objections

    return objections.unhandled_problems(app)


def dismiss_objections(app: Application, actor, comment: str = "") -> None:
    from workflow.publicity.operations import objections

    objections.close_for_decision(app, "dismissed", comment=comment, actor=actor)


def uphold_objections(app: Application, actor, comment: str = "") -> None:
    from workflow.publicity.operations import objections

    objections.close_for_decision(app, "upheld", comment=comment, actor=actor)


def record_version(app: Application, actor) -> None:
    """Effect of a submission: a frozen copy of what was filed."""
    app.version_count += 1
    if app.submitted_at is None:
        app.submitted_at = now()
    db.session.add(ApplicationVersion(
        application=app, number=app.version_count, snapshot=snapshot(app),
        submitted_by_id=actor.id,
    ))


def answer_correction(app: Application, actor) -> None:
    """Effect of resubmitting corrections: the request is answered and a version recorded."""
    correction = db.session.scalar(select(CorrectionRequest).where(
        CorrectionRequest.application_id == app.id, CorrectionRequest.answered_at.is_(None)))
    correction.answered_at = now()
    record_version(app, actor)
