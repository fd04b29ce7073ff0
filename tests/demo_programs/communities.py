"""The 2019 first batch of five innovation and entrepreneurship communities (seeds/001): one
led by each kind of lead unit, about twenty member units each, all approved by one notice."""
from sqlalchemy import select

from tests.demo_programs import world
from workflow.application_forms.queries import form_of, values
from workflow.core import creditcode
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.demo import communities
from workflow.notices.settings import notice_settings_of


def _apps():
    return world.applications(world.call(communities.TITLE))


def test_the_five_communities_are_approved_by_the_2019_notice(seeded):
    call = world.call(communities.TITLE)
    apps = _apps()

    assert call.platform_type.code == "innovation_community" and call.year == 2019
    assert call.department.office_code == "鲁科字"
    assert sorted(a.title for a in apps) == sorted(c.name for c in communities.COMMUNITIES)
    assert {a.state for a in apps} == {AppState.APPROVED}
    notice = world.notice(call)
    assert notice.number.text == "鲁科字〔2019〕181号"
    title = notice_settings_of(call).title
    assert "首批" in title and "鲁政字〔2019〕49号" in notice_settings_of(call).body


def test_each_community_leads_with_its_kind_and_twenty_valid_members(seeded):
    kinds = {}
    for app in _apps():
        data = values(app)
        kinds[app.title] = (data["lead_type"], app.lead_org.kind)
        members = data["member_units"]
        assert len(members) == communities.MEMBERS
        assert all(creditcode.problem(m["credit_code"]) is None for m in members), app.title
        assert len({m["credit_code"] for m in members}) == len(members)
        assert [s.key for s in form_of(app).sections][:3] == ["basic", "lead", "members"]

    assert kinds["山东省激光装备创新创业共同体"] == ("government", "government")
    assert [lead_type for lead_type, _kind in kinds.values()] == [
        "government", "enterprise", "university", "institute", "finance"]


def test_each_community_went_through_every_step_with_its_audit_row(seeded):
    for app in _apps():
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.application_id == app.id)))
        assert {"submit", "recommend", "pass_formal_review", "open_review", "shortlist",
                "publish_publicity", "issue_notice"} <= actions, app.title
