"""Changes (变更) of a center: its lead unit asks to change the name, the lead unit, the
director or the co-builders, with a reason and a supporting PDF; an officer approves or
refuses with reasons; the center's record changes on approval and the history keeps the
values before and after. One open request per kind; a revoked or failed center asks
nothing. Every step writes an audit row and tells the other side."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests import factories
from tests.centers.world import asking, center_world
from workflow.centers import operations as centers
from workflow.centers import queries
from workflow.centers.models import CenterChange, CenterCoBuilder, ChangeKind, ChangeState
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can


@pytest.fixture(autouse=True)
def english():
    """The problems are asserted in the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield

def audit_actions(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def told(user, kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def test_a_name_change_asked_and_approved_renames_the_center_and_keeps_the_old_name():
    w = center_world()
    old = w.center.name
    change = centers.request_change(
        w.center, asking(ChangeKind.NAME, name="山东省新名称技术创新中心", reason="企业战略调整"),
        actor=w.lead)
    assert change.state == ChangeState.OPEN and w.center.name == old
    assert change.before == {"name": old} and change.after == {"name": "山东省新名称技术创新中心"}
    assert centers.document_bytes(change) is not None
    assert "request_center_change" in audit_actions(w.app)
    assert told(w.officer, "center_change_requested")[0].link == f"/centers/changes/{change.id}"

    centers.decide_change(change, approve=True, reason="材料齐全，同意变更", actor=w.officer)
    assert w.center.name == "山东省新名称技术创新中心" and w.app.title != w.center.name
    assert change.state == ChangeState.APPROVED and change.decided_by_id == w.officer.id
    assert change.before == {"name": old}
    assert audit_actions(w.app)[-1] == "approve_center_change"
    note = told(w.lead, "center_change_decided")[0]
    assert "材料齐全" in note.body and old in note.body


def test_the_name_under_construction_carries_the_mark_and_a_name_with_it_is_refused():
    w = center_world(AppState.UNDER_CONSTRUCTION)
    assert w.center.display_name == w.center.name + "（筹）"
    with pytest.raises(ServiceError) as refused:
        centers.request_change(w.center, asking(ChangeKind.NAME, name="新中心（筹）"),
                               actor=w.lead)
    assert "（筹）" in refused.value.problems[0]
    assert db.session.scalar(select(CenterChange.id)) is None


def test_a_refused_change_changes_nothing_and_tells_the_lead_unit_why():
    w = center_world()
    change = centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                                    actor=w.lead)
    with pytest.raises(ServiceError):
        centers.decide_change(change, approve=False, reason=" ", actor=w.officer)
    centers.decide_change(change, approve=False, reason="未附任命文件", actor=w.officer)
    assert w.center.director != "李四" and change.state == ChangeState.REFUSED
    assert "未附任命文件" in told(w.lead, "center_change_decided")[0].body
    assert audit_actions(w.app)[-1] == "refuse_center_change"
    with pytest.raises(ServiceError):  # decided once
        centers.decide_change(change, approve=True, reason="改为同意", actor=w.officer)


def test_one_open_request_per_kind_but_other_kinds_meanwhile():
    w = center_world()
    centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"), actor=w.lead)
    with pytest.raises(ServiceError) as refused:
        centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="王五"),
                               actor=w.lead)
    assert "only one at a time" in refused.value.problems[0]
    centers.request_change(w.center, asking(ChangeKind.NAME, name="另一个名称"), actor=w.lead)
    assert len(queries.open_changes(w.center)) == 2


@pytest.mark.parametrize("state", [AppState.REVOKED, AppState.NOT_ACCEPTED])
def test_a_revoked_or_failed_center_asks_nothing(state):
    w = center_world(AppState.UNDER_CONSTRUCTION)
    w.app.state = state  # the state itself is reached through its own action elsewhere
    assert not can(w.lead, "center.request_change", w.center)
    with pytest.raises(PermissionDenied):
        centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                               actor=w.lead)


def test_only_the_lead_unit_asks_and_only_an_officer_decides():
    w = center_world()
    for someone in (w.other_org, w.city, w.officer, w.leader):
        with pytest.raises(PermissionDenied):
            centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                                   actor=someone)
    change = centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                                    actor=w.lead)
    for someone in (w.lead, w.city, w.leader, w.other_org):
        with pytest.raises(PermissionDenied):
            centers.decide_change(change, approve=True, reason="同意", actor=someone)


def test_a_request_needs_a_reason_and_a_pdf_and_says_every_problem_at_once():
    w = center_world()
    with pytest.raises(ServiceError) as refused:
        centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director=w.center.director,
                                                reason=" ", document=None), actor=w.lead)
    assert len(refused.value.problems) == 3
    assert db.session.scalar(select(CenterChange.id)) is None


def test_a_new_lead_unit_is_a_verified_unit_named_by_its_credit_code():
    w = center_world()
    pending = factories.org(factories.QINGDAO, status="unverified")
    for code, why in ((pending.credit_code, "No verified unit"),
                      (w.lead.organization.credit_code, "leads the center already"),
                      ("91370200MA3C0000X0", "")):
        with pytest.raises(ServiceError) as refused:
            centers.request_change(w.center, asking(ChangeKind.LEAD_UNIT, credit_code=code),
                                   actor=w.lead)
        assert why in refused.value.problems[0]


def test_an_approved_new_lead_unit_takes_the_center_and_its_application():
    w = center_world()
    successor = factories.applicant(factories.QINGDAO)
    new_org = successor.organization
    change = centers.request_change(
        w.center, asking(ChangeKind.LEAD_UNIT, credit_code=new_org.credit_code.lower()),
        actor=w.lead)
    assert change.after["name"] == new_org.name
    centers.decide_change(change, approve=True, reason="股权重组，同意", actor=w.officer)
    assert w.center.lead_org_id == new_org.id == w.app.lead_org_id
    assert can(successor, "center.view", w.center)
    assert can(successor, "center.request_change", w.center)
    assert not can(w.lead, "center.view", w.center)
    # both units hear of it: the former one and the new one
    assert told(w.lead, "center_change_decided") and told(successor, "center_change_decided")


def test_a_lead_unit_with_an_application_of_its_own_in_the_call_cannot_take_the_center():
    w = center_world()
    rival = factories.applicant(factories.QINGDAO)
    # An application of the rival in the same call, left not selected (its call is decided:
    # no service files one now).
    db.session.add(Application(call_id=w.app.call_id, lead_org_id=rival.organization_id,
                               title="竞争中心", region_code=w.app.region_code,
                               state=AppState.NOT_SELECTED, submitted_at=now(),
                               created_by_id=rival.id))
    db.session.flush()
    with pytest.raises(ServiceError) as refused:
        centers.request_change(
            w.center, asking(ChangeKind.LEAD_UNIT, credit_code=rival.organization.credit_code),
            actor=w.lead)
    assert "application of its own" in refused.value.problems[0]


def test_cobuilders_change_keeps_who_left_and_who_joined():
    w = center_world()
    first = w.cobuilder
    assert [c.credit_code for c in queries.current_cobuilders(w.center)] == [first.credit_code]
    newcomer = factories.org(factories.JINAN, "山东测试研究院", "institute")
    change = centers.request_change(w.center, asking(ChangeKind.COBUILDERS, cobuilders=[
        {"credit_code": newcomer.credit_code, "name": newcomer.name,
         "division_of_work": "中试验证"}]), actor=w.lead)
    assert change.before["cobuilders"][0]["credit_code"] == first.credit_code
    centers.decide_change(change, approve=True, reason="新共建协议已签署", actor=w.officer)
    assert [(c.credit_code, c.organization_id) for c in queries.current_cobuilders(w.center)] \
        == [(newcomer.credit_code, newcomer.id)]
    left = db.session.scalar(select(CenterCoBuilder).where(
        CenterCoBuilder.credit_code == first.credit_code))
    assert left.left_change_id == change.id and left.joined_change_id is None
    # the application's own co-builders are what was approved: unchanged
    assert [c.credit_code for c in w.app.cobuilders] == [first.credit_code]


def test_cobuilders_change_refuses_bad_codes_duplicates_the_lead_and_no_change():
    w = center_world()
    same = [{"credit_code": w.cobuilder.credit_code, "name": w.cobuilder.name,
             "division_of_work": w.cobuilder.division_of_work}]
    cases = ([{"credit_code": "123", "name": "甲"}], same + same,
             [{"credit_code": w.lead.organization.credit_code, "name": "牵头单位"}], same)
    for rows in cases:
        with pytest.raises(ServiceError):
            centers.request_change(w.center, asking(ChangeKind.COBUILDERS, cobuilders=rows),
                                   actor=w.lead)
    assert db.session.scalar(select(CenterChange.id)) is None


def test_approval_checks_again_a_name_another_center_took_meanwhile():
    w, other = center_world(), center_world()
    change = centers.request_change(w.center, asking(ChangeKind.NAME, name="山东省争抢名称中心"),
                                    actor=w.lead)
    taken = centers.request_change(other.center, asking(ChangeKind.NAME, name="山东省争抢名称中心"),
                                   actor=other.lead)
    centers.decide_change(taken, approve=True, reason="同意", actor=w.officer)
    with pytest.raises(ServiceError):
        centers.decide_change(change, approve=True, reason="同意", actor=w.officer)
