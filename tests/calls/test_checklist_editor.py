"""The officer configures a call's formal-review checklist: items with the part of the
application a correction of each may change; frozen once findings are recorded."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.formal_review.models import ChecklistItem
from workflow.formal_review.operations import checklist


def items_of(call) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(i.code, i.label, i.scope) for i in db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.call_id == call.id)
        .order_by(ChecklistItem.position))]


def test_a_new_call_has_the_default_checklist():
    call = factories.call()
    codes = [code for code, _label, _scope in items_of(call)]
    assert codes[:5] == ["basic_info", "positioning", "figures", "budget", "cobuilders"]
    assert "att_licence" in codes and codes[-1] == "eligibility"


def test_officer_replaces_the_checklist_and_an_audit_row_is_written():
    officer = factories.officer()
    call = factories.call(actor=officer)
    checklist.set_checklist(call, [("budget", "经费预算合理", "section:budget"),
                                   ("licence", "营业执照有效", "attachment:licence")],
                            actor=officer)
    assert items_of(call) == [("budget", "经费预算合理", "section:budget"),
                              ("licence", "营业执照有效", "attachment:licence")]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call_checklist")
                               ).one()
    assert entry.actor_id == officer.id and entry.call_id == call.id


@pytest.mark.parametrize(("items", "message"), [
    ([("a", "甲", "section:nope")], "is not a part of the application"),
    ([("a", "甲", "attachment:passport")], "is not a part of the application"),
    ([("a", "甲", "general"), ("a", "乙", "general")], "appears twice"),
    ([], "at least one item"),
])
def test_bad_checklist_is_refused_and_changes_nothing(items, message):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    before = items_of(call)
    with force_locale("en"), pytest.raises(ServiceError, match=message):
        checklist.set_checklist(call, items, actor=officer)
    db.session.rollback()
    assert items_of(call) == before


def test_only_officers_configure_the_checklist():
    call = factories.call()
    with pytest.raises(PermissionDenied):
        checklist.set_checklist(call, [("a", "甲", "general")], actor=factories.leader())


def test_checklist_is_frozen_once_findings_are_recorded():
    officer = factories.officer()
    call = factories.call(actor=officer)
    app = factories.application(call, state=AppState.RECOMMENDED)
    factories.check_all(app, officer, ok=True)
    db.session.commit()
    before = items_of(call)
    with force_locale("en"), pytest.raises(ServiceError, match="can no longer change"):
        checklist.set_checklist(call, [("a", "甲", "general")], actor=officer)
    db.session.rollback()
    assert items_of(call) == before


def test_a_listed_scope_is_what_the_applicant_may_correct():
    officer = factories.officer()
    call = factories.call(actor=officer)
    checklist.set_checklist(call, [("plan", "三年目标明确", "section:targets"),
                                   ("other", "其他", "general")], actor=officer)
    lead = factories.applicant()
    app = factories.application(call, lead, state=AppState.RECOMMENDED)
    checklist.record_findings(app, {"plan": {"ok": False, "note": "目标不量化"},
                                    "other": {"ok": True}}, actor=officer)
    from workflow.formal_review.operations import correction as formal_review
    from workflow.intake.operations import intake

    formal_review.request_correction(app, actor=officer)
    intake.save_section(app, "targets", {"targets": "量化目标", "indicators": "指标"}, actor=lead)
    with pytest.raises(PermissionDenied):
        intake.save_section(app, "budget", {"budget_notes": "改"}, actor=lead)


def test_editor_page_saves_and_bad_lines_keep_what_was_typed(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    page = client.get(f"/officer/calls/{call.id}/eligibility").get_data(as_text=True)
    assert "basic_info | 申报书基本信息完整、准确 | section:basic" in page

    typed = "budget | 经费预算 <b>合理</b> | section:budget\nbroken line without bars"
    response = client.post(f"/officer/calls/{call.id}/checklist", data={"items": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write each line as code | label | scope" in html
    assert "经费预算 &lt;b&gt;合理&lt;/b&gt;" in html and "<b>合理</b>" not in html
    assert items_of(call)[0][0] == "basic_info"

    response = client.post(f"/officer/calls/{call.id}/checklist",
                           data={"items": "budget | 经费预算合理 | section:budget"})
    assert response.status_code == 302
    assert items_of(call) == [("budget", "经费预算合理", "section:budget")]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "call_checklist")) == 1
