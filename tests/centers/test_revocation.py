"""Revocation (撤销): a leader's decision with its ground (a failed rectification, fraud, the
unit's own request) and reasons, taken on the center's revocation page. It issues a
numbered revocation decision, applies REVOKE, dates the center's revocation, closes the
change requests still open and tells the lead unit and the city."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests import factories
from tests.centers.world import asking, center_world
from workflow.centers import operations as centers
from workflow.centers.models import ChangeKind, ChangeState, Revocation
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.inbox.models import Notification
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition
from workflow.notices.operations.decisions import decision_bytes


@pytest.fixture(autouse=True)
def english():
    """The problems are asserted in the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield

def test_a_leader_revokes_an_operating_center_for_fraud_with_a_numbered_decision():
    w = center_world()
    waiting = centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                                     actor=w.lead)
    revocation = centers.revoke_center(w.center, reason_kind="fraud",
                                       reason="年度报告研发投入数据造假。", actor=w.leader)
    assert w.app.state == AppState.REVOKED
    assert w.center.revoked_at == revocation.decided_at
    doc = revocation.decision
    assert doc.kind == "revocation" and doc.applications == [w.app]
    assert doc.title == f"关于撤销{w.center.name}的决定"
    body = "".join(doc.content["paragraphs"])
    assert "年度报告研发投入数据造假" in body and "追回" in body
    assert decision_bytes(doc).startswith(b"%PDF")
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.application_id == w.app.id, AuditEntry.action == Action.REVOKE))
    assert (entry.role, entry.from_state, entry.to_state) == ("leader", "operating", "revoked")
    assert doc.number.text in entry.comment
    assert waiting.state == ChangeState.REFUSED and waiting.decided_by_id == w.leader.id
    lead_note = db.session.scalar(select(Notification).where(
        Notification.user_id == w.lead.id, Notification.kind == Action.REVOKE))
    assert doc.number.text in lead_note.body and "年度报告研发投入数据造假" in lead_note.body
    city_note = db.session.scalar(select(Notification).where(
        Notification.user_id == w.city.id, Notification.kind == "center_revoked"))
    assert w.center.name in city_note.body
    assert not can(w.lead, "center.request_change", w.center)
    assert can(w.lead, "decision.download", doc)


def test_failed_rectification_is_a_ground_only_for_a_center_in_rectification():
    w = center_world()
    with pytest.raises(ServiceError) as refused:
        centers.revoke_center(w.center, reason_kind="failed_rectification", reason="复评不合格",
                              actor=w.leader)
    assert "rectification" in refused.value.problems[0]
    assert w.app.state == AppState.OPERATING and w.center.revoked_at is None
    rectifying = center_world(AppState.RECTIFICATION)
    centers.revoke_center(rectifying.center, reason_kind="failed_rectification",
                          reason="整改期满复评仍不合格。", actor=rectifying.leader)
    assert rectifying.app.state == AppState.REVOKED


def test_a_center_under_construction_is_revoked_on_its_own_request_with_its_name_as_built():
    w = center_world(AppState.UNDER_CONSTRUCTION)
    revocation = centers.revoke_center(w.center, reason_kind="on_request",
                                       reason="企业经营方向调整。", actor=w.leader)
    paragraphs = revocation.decision.content["paragraphs"]
    assert paragraphs[0].startswith(w.center.name + "（筹）")
    assert w.lead.organization.name + "向我厅提出撤销" in paragraphs[1]
    assert "追回" not in "".join(paragraphs)


def test_only_a_leader_revokes_with_a_ground_and_reasons_and_only_once():
    w = center_world()
    for someone in (w.officer, w.lead, w.city):
        with pytest.raises(PermissionDenied):
            centers.revoke_center(w.center, reason_kind="fraud", reason="造假", actor=someone)
    with pytest.raises(ServiceError) as refused:
        centers.revoke_center(w.center, reason_kind="whim", reason=" ", actor=w.leader)
    assert len(refused.value.problems) == 2
    assert db.session.scalar(select(Revocation.id)) is None
    centers.revoke_center(w.center, reason_kind="fraud", reason="造假", actor=w.leader)
    with pytest.raises(ServiceError):
        centers.revoke_center(w.center, reason_kind="fraud", reason="造假", actor=w.leader)


def test_revoke_is_refused_without_the_recorded_decision():
    w = center_world()
    with pytest.raises(ServiceError) as refused:
        transition(w.app, Action.REVOKE, actor=w.leader, comment="直接撤销")
    assert "revocation page" in refused.value.problems[0]
    assert w.app.state == AppState.OPERATING


def test_the_factories_revoke_the_way_a_leader_does():
    app = factories.application(state=AppState.REVOKED)
    assert db.session.scalar(select(Revocation).where(
        Revocation.center_id == centers.open_center(app, actor=None).id)) is not None
