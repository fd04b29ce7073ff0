"""A person's desk, the page after login: what waits for their action now, one section per
role they hold, each group counted and its items the soonest deadline first.

A section is shown to whoever holds its role (its permission); each group in it to whoever
the permission table allows its page. The groups are read in desk/queries/<role>.py, each in a
fixed number of statements whatever the number of rows.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from workflow.desk.queries import acceptance as desk_acceptance
from workflow.desk.queries import applicant as desk_applicant
from workflow.desk.queries import calls as desk_calls
from workflow.desk.queries import centers as desk_centers
from workflow.desk.queries import evaluation as desk_evaluation
from workflow.desk.queries import expert as desk_expert
from workflow.desk.queries import leader as desk_leader
from workflow.desk.queries import officer as desk_officer
from workflow.desk.queries import recommender as desk_recommender
from workflow.desk.queries import reports as desk_reports
from workflow.desk.queries import task_books as desk_task_books
from workflow.desk.queries.items import Group, Section, by_urgency
from workflow.lifecycle.permissions import can


@dataclass(frozen=True)
class Texts:
    title: object   # the group's heading
    action: object  # the button of each item: what is done there
    when: object    # the heading of its time column
    full: str | None = None  # the endpoint of the page listing all of them


GROUPS: dict[str, Texts] = {
    "verification": Texts(_l("Your organization's verification"), _l("View"),
                          _l("Registered")),
    "drafts": Texts(_l("Drafts to submit"), _l("Complete and submit"), _l("Filing closes"),
                    "applicant.home"),
    "returned": Texts(_l("Returned for revision"), _l("Revise and resubmit"),
                      _l("Resubmit before"), "applicant.home"),
    "corrections": Texts(_l("Corrections requested"), _l("Correct"), _l("Due"),
                         "applicant.home"),
    "confirmations": Texts(_l("Co-builder confirmations waiting for your unit"),
                           _l("Confirm"), _l("Lead unit's deadline"), "applicant.home"),
    "documents": Texts(_l("Approval letters to download"), _l("Download"), _l("Issued")),
    "to_decide": Texts(_l("Applications to recommend, decline or return"), _l("Decide"),
                       _l("Recommendation deadline"), "recommender.index"),
    "units": Texts(_l("Units waiting for verification"), _l("Check"), _l("Registered"),
                   "organizations.queue"),
    "invitations": Texts(_l("Invitations to answer"), _l("Answer"), _l("Invited"),
                         "expert_home.home"),
    "sheets": Texts(_l("Score sheets to submit"), _l("Score"), _l("Accepted"),
                    "expert_home.home"),
    "chair_alarms": Texts(_l("Dispersion alarms to resolve as chair"), _l("Resolve"),
                          _l("Since"), "expert_home.home"),
    "chair_confirmations": Texts(_l("Panel results to confirm as chair"), _l("Confirm"),
                                 _l("Since"), "expert_home.home"),
    "formal_reviews": Texts(_l("Formal reviews waiting"), _l("Check"), _l("Waiting since"),
                            "officer.call_list"),
    "awaiting_corrections": Texts(_l("Corrections awaiting the lead units"), _l("Follow"),
                                  _l("Due")),
    "panels_to_fill": Texts(_l("Panels not complete"), _l("Fill"), _l("Since"),
                            "panels.index"),
    "reviews_to_open": Texts(_l("Complete panels: expert review to open"),
                             _l("Open the review"), _l("Since"), "panels.index"),
    "alarms": Texts(_l("Open dispersion alarms"), _l("Follow"), _l("Since"),
                    "review_results.index"),
    "objections": Texts(_l("Objections to handle"), _l("Handle"), _l("Received"),
                        "publicity.index"),
    "notices_to_issue": Texts(_l("Notices to issue"), _l("Issue"), _l("Signed"),
                              "notices.index"),
    "mails": Texts(_l("Mails that did not leave"), _l("Look"), _l("Since")),
    "running_calls": Texts(_l("Running calls: next step"), _l("View"), _l("When"),
                           "officer.call_list"),
    "selections": Texts(_l("Reviewed applications to select"), _l("Select"),
                        _l("Waiting since"), "selection.index"),
    "objection_reviews": Texts(_l("Objection reviews to decide"), _l("Decide"),
                               _l("Waiting since")),
    "acceptance_to_apply": Texts(_l("Centers to apply for acceptance"), _l("Apply"),
                                 _l("Construction ends")),
    "acceptance_panels": Texts(_l("Acceptance requests: panels to form and follow"),
                               _l("View"), _l("Submitted"), "acceptance.index"),
    "acceptance_outcomes": Texts(_l("Acceptance results to decide"), _l("Record the outcome"),
                                 _l("Confirmed"), "acceptance.index"),
    "acceptance_lapsed": Texts(_l("Deferred acceptances not applied for again in time"),
                               _l("Decide"), _l("Apply again by")),
    "acceptance_invitations": Texts(_l("Acceptance panels to answer"), _l("Answer"),
                                    _l("Invited"), "acceptance.expert_seats"),
    "acceptance_sheets": Texts(_l("Acceptance sheets to submit"), _l("Score"), _l("Invited"),
                               "acceptance.expert_seats"),
    "acceptance_confirmations": Texts(_l("Acceptance results to confirm as chair"),
                                      _l("Confirm"), _l("Invited"), "acceptance.expert_seats"),
    "task_books_to_draft": Texts(_l("Task books to draft and submit"), _l("View"),
                                 _l("Waiting since"), "task_books.index"),
    "task_books_to_sign_unit": Texts(_l("Task books to sign for your unit"), _l("Sign"),
                                     _l("Agreed"), "task_books.index"),
    "task_books_city": Texts(_l("Task books to review"), _l("Check"), _l("Submitted"),
                             "task_books.index"),
    "task_books_department": Texts(_l("Task books to agree or return"), _l("Check"),
                                   _l("Passed on"), "task_books.index"),
    "task_books_department_sign": Texts(_l("Task books to sign for the department"),
                                        _l("Sign"), _l("Signed by the unit"),
                                        "task_books.index"),
    "reports_to_file": Texts(_l("Annual reports to file"), _l("View"), _l("Due"),
                             "reports.mine"),
    "reports_city": Texts(_l("Annual reports to review"), _l("Check"), _l("Filed"),
                          "reports.city"),
    "reports_department": Texts(_l("Annual reports to accept or return"), _l("Check"),
                                _l("Passed on"), "reports.rounds_index"),
    "notices_to_sign": Texts(_l("Approval notices to sign"), _l("Sign"), _l("Waiting since"),
                             "notices.index"),
    "center_changes": Texts(_l("Center changes to approve or refuse"), _l("Decide"),
                            _l("Requested"), "centers.queue"),
    "own_centers": Texts(_l("Your unit's centers"), _l("View"), _l("Since"), "centers.index"),
    "rectifications_to_file": Texts(_l("Rectification plans and reports to file"),
                                    _l("Submit"), _l("Due")),
    "rectifications_to_review": Texts(_l("Rectification plans and reports to review"),
                                      _l("Check"), _l("Due")),
    "evaluation_rounds": Texts(_l("Evaluation rounds: centers to rate"), _l("Rate"),
                               _l("Opened"), "evaluation_rounds.index"),
    "evaluation_objections": Texts(_l("Objections to announced evaluation results"),
                                   _l("Decide"), _l("Received")),
    "evaluation_results_to_issue": Texts(_l("Results documents to issue"), _l("Issue"),
                                         _l("Final on")),
    "revocations_due": Texts(_l("Failed rectifications: revocation to decide"),
                             _l("Decide"), _l("Re-evaluated")),
    "centers_rectifying": Texts(_l("Centers in rectification"), _l("View"),
                                _l("Last change"), "centers.index"),
    "city_centers": Texts(_l("Centers of your city"), _l("View"), _l("Since"), "centers.index"),
}

Builder = Callable[[object], Group | list[Group]]

# (section, the permission that shows it, its groups with the permission each needs).
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, Builder], ...]], ...] = (
    ("organization", "organization.view_own", (
        ("organization.view_own", desk_applicant.verification),)),
    ("applicant", "application.list_own", (
        ("application.list_own", desk_applicant.drafts),
        ("application.list_own", desk_applicant.returned),
        ("application.list_own", desk_applicant.corrections),
        ("application.list_own", desk_applicant.confirmations),
        ("application.list_own", desk_applicant.documents),
        ("application.list_own", desk_evaluation.rectifications_to_file),
        ("center.list", desk_centers.own_centers),
        ("report.list_own", desk_reports.to_file),
        ("application.list_own", desk_acceptance.to_apply),
        ("application.list_own", desk_task_books.to_lead))),
    ("recommender", "recommender.queue", (
        ("recommender.queue", desk_recommender.to_decide),
        ("center.list", desk_centers.city_centers),
        ("report.list_city", desk_reports.to_city),
        ("recommender.queue", desk_task_books.to_city),
        ("organization.queue", desk_recommender.units))),
    ("expert", "expert.home", (
        ("expert.home", desk_expert.invitations),
        ("expert.home", desk_expert.sheets),
        ("expert.home", desk_expert.alarms),
        ("expert.home", desk_expert.confirmations),
        ("acceptance.panels", desk_acceptance.to_expert))),
    ("officer", "call.list_applications", (
        ("call.formal_review_queue", desk_officer.formal_reviews),
        ("call.formal_review_queue", desk_officer.corrections),
        ("organization.review_disputed", desk_officer.units),
        ("call.assign", desk_officer.panels),
        ("call.review_progress", desk_officer.alarms),
        ("objection.handle", desk_officer.objections),
        ("evaluation.manage", desk_evaluation.rectifications_to_review),
        ("evaluation.manage", desk_evaluation.rounds_to_rate),
        ("evaluation.manage", desk_evaluation.objections_to_decide),
        ("evaluation.manage", desk_evaluation.results_to_issue),
        ("notice.issue", desk_officer.notices),
        ("center.change_queue", desk_centers.changes_to_decide),
        ("report_round.open", desk_reports.to_officer),
        ("outbox.view", desk_officer.mails),
        ("call.manage", desk_calls.running_calls),
        ("acceptance.manage", desk_acceptance.to_officer),
        ("taskbook.list", desk_task_books.to_officer))),
    ("leader", "call.select", (
        ("call.select", desk_leader.selections),
        ("publicity.objections", desk_leader.objection_reviews),
        ("notice.view", desk_leader.notices),
        ("center.list", desk_centers.rectifying),
        ("call.select", desk_evaluation.revocations_due))),
)
# Shown only when something waits in it; a role's section always, saying when nothing does.
ONLY_WHEN_BUSY = frozenset({"organization"})


def _groups(user, builders) -> list[Group]:
    groups = []
    for permission, build in builders:
        if can(user, permission):
            built = build(user)
            groups.extend(built if isinstance(built, list) else [built])
    return by_urgency(groups)


def desk_of(user) -> list[Section]:
    """The sections of `user`'s desk, in the order of SECTIONS."""
    sections = []
    for role, permission, builders in SECTIONS:
        if not can(user, permission):
            continue
        section = Section(role, _groups(user, builders))
        if section.groups or role not in ONLY_WHEN_BUSY:
            sections.append(section)
    return sections
