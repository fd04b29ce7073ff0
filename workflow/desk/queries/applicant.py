"""The desk of a unit's user: its drafts, returned applications and corrections with their
deadlines, the co-builder confirmations it owes, the letters it can download, and its own
verification while it is not verified.

Only states the unit sees: a decided application stays "reviewed" for it until the
announcement (permissions.visible_state), and none of these groups lists a decided one.
"""
from flask_babel import gettext as _
from sqlalchemy import or_, select

from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.states import (
    COBUILDING_CONFIRMABLE_STATES,
    NOTICE_ISSUED_STATES,
    AppState,
    CallState,
)
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.queries import lead_deadline, open_correction
from workflow.intake.models import Application, CoBuilder
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument, number_text
from workflow.organizations.models import Organization, OrgStatus
from workflow.recommendation.queries import resubmit_deadline


def _detail(row) -> Link:
    return Link("applications.detail", {"app_id": row.id})


def drafts(user) -> Group:
    """Drafts of the unit in a call that still accepts filings, by its closing time."""
    rows, total, partial = capped(
        select(Application.id, Application.title, Call.title.label("call"),
               Call.closes_at.label("deadline"))
        .join(Call, Application.call_id == Call.id)
        .where(Application.lead_org_id == user.organization_id,
               Application.state == AppState.DRAFT, Call.state == CallState.OPEN,
               Call.closes_at > now())
        .order_by(Call.closes_at, Application.id))
    return Group("drafts", total, [Item(r.title, _detail(r), deadline=r.deadline, detail=r.call)
                                   for r in rows], partial=partial)


def returned(user) -> Group:
    """Returned applications to resubmit while the first level's deadline holds."""
    deadline = resubmit_deadline()
    rows, total, partial = capped(
        select(Application.id, Application.title, Call.title.label("call"),
               deadline.label("deadline"))
        .join(Call, Application.call_id == Call.id)
        .where(Application.lead_org_id == user.organization_id,
               Application.state == AppState.RETURNED,
               or_(deadline.is_(None), deadline > now()))
        .order_by(deadline.asc().nulls_last(), Application.id))
    return Group("returned", total, [Item(r.title, _detail(r), deadline=r.deadline,
                                          detail=r.call) for r in rows], partial=partial)


def corrections(user) -> Group:
    """Correction requests of the unit's applications not answered, before their deadline."""
    rows, total, partial = capped(
        select(Application.id, Application.title, Call.title.label("call"),
               CorrectionRequest.deadline_at.label("deadline"))
        .join(Call, Application.call_id == Call.id)
        .join(CorrectionRequest, open_correction())
        .where(Application.lead_org_id == user.organization_id,
               Application.state == AppState.CORRECTION_REQUESTED,
               CorrectionRequest.deadline_at >= now())
        .order_by(CorrectionRequest.deadline_at, Application.id))
    return Group("corrections", total, [Item(r.title, _detail(r), deadline=r.deadline,
                                             detail=r.call) for r in rows], partial=partial)


def confirmations(user) -> Group:
    """Applications naming the unit as co-builder that wait for its confirmation while the
    lead unit can still change them (COBUILDING_CONFIRMABLE_STATES), by the lead unit's deadline:
    the filing window of a draft, the recommender's of a returned one, the correction's.
    Only a verified unit is ever a co-builder (permissions.is_cobuilder_member)."""
    if not user.organization.is_verified:
        return Group("confirmations", 0, [])
    state, deadline = Application.state, lead_deadline()
    rows, total, partial = capped(
        select(Application.id, Application.title, Organization.name.label("lead"),
               deadline.label("deadline"))
        .join(CoBuilder, CoBuilder.application_id == Application.id)
        .join(Call, Application.call_id == Call.id)
        .join(Organization, Application.lead_org_id == Organization.id)
        .outerjoin(CorrectionRequest, open_correction())
        .where(CoBuilder.organization_id == user.organization_id,
               CoBuilder.confirmed_at.is_(None), state.in_(COBUILDING_CONFIRMABLE_STATES))
        .order_by(deadline.asc().nulls_last(), Application.id))
    return Group("confirmations", total, [Item(r.title, _detail(r), deadline=r.deadline,
                                               detail=r.lead) for r in rows], partial=partial)


def documents(user) -> Group:
    """Stored, unrevoked letters of the approved applications the unit leads or co-builds,
    newest first, each with the notice's number and a link to the PDF
    (permissions.can_download_document). They ask nothing: not counted as waiting."""
    lead = Application.lead_org_id == user.organization_id
    # The unit's co-built applications, read once (not per approved application).
    cobuilt = Application.id.in_(select(CoBuilder.application_id).where(
        CoBuilder.organization_id == user.organization_id, CoBuilder.confirmed_at.is_not(None)))
    readable = or_(lead, cobuilt) if user.organization.is_verified else lead
    rows, total, partial = capped(
        select(Application.id, Application.title, OfficialDocument.id.label("document"),
               OfficialDocument.stored_at, DocumentNumber.office, DocumentNumber.year,
               DocumentNumber.sequence)
        .join(OfficialDocument, OfficialDocument.application_id == Application.id)
        .join(Notice, OfficialDocument.notice_id == Notice.id)
        .join(DocumentNumber, Notice.number_id == DocumentNumber.id)
        .where(Application.state.in_(NOTICE_ISSUED_STATES), OfficialDocument.stored_at.is_not(None),
               OfficialDocument.revoked_at.is_(None), readable)
        .order_by(OfficialDocument.stored_at.desc(), OfficialDocument.id.desc()))
    return Group("documents", total, [
        Item(r.title, Link("notices.download", {"document_id": r.document}), since=r.stored_at,
             detail=_("Approval letter, %(number)s (PDF)",
                      number=number_text(r.office, r.year, r.sequence)))
        for r in rows], partial=partial, asks=False)


def verification(user) -> Group:
    """The user's own unit while it is not verified: what to do next."""
    org = user.organization
    if org is None or org.status == OrgStatus.VERIFIED:
        return Group("verification", 0, [])
    if org.status == OrgStatus.REJECTED:
        detail = _("The registration was rejected: %(reason)s Correct it and it is checked "
                   "again.", reason=org.status_reason)
    elif org.licence is None:
        detail = _("Upload the business licence: the unit is verified by comparing it with "
                   "the registration.")
    else:
        detail = _("The science bureau of your city or the department compares the business "
                   "licence with the registration. Until then you can fill drafts but not "
                   "submit them.")
    return Group("verification", 1, [Item(org.name, Link("organizations.own"),
                                          since=org.created_at, detail=detail,
                                          flag=org.status)])
