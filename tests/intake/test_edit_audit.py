"""Edits are audited: saving a section of an application, or its name and field, writes an
audit row naming who, which part, when and the SHA-256 of the part's content as canonical
JSON; a save that changes nothing writes none; the timeline shows the rows in words."""
import hashlib
import json

import pytest
from flask_babel import refresh
from markupsafe import escape
from sqlalchemy import select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import audit
from workflow.core.errors import PermissionDenied
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.intake.operations import intake

BASIC = {"project_head": "张三", "contact_name": "李四", "contact_phone": "0531-88888888",
         "contact_email": "lisi@example.com", "summary": "面向半导体激光产业的共性技术研发。"}


def canonical_sha256(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def edits(app) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == app.id,
        AuditEntry.action.in_(["edit_section", "edit_basics"])).order_by(AuditEntry.id)))


@pytest.fixture
def draft():
    app = factories.application(complete=False)
    return app, db.session.get(User, app.created_by_id)


def test_saving_a_section_records_who_which_section_when_and_the_hash(draft):
    app, lead = draft
    with factories.clock_at(app.call.opens_at.replace(microsecond=0)):
        intake.save_section(app, "basic", BASIC, actor=lead)

    (entry,) = edits(app)
    assert (entry.action, entry.actor_id, entry.role) == ("edit_section", lead.id, "applicant")
    assert entry.comment == f"basic sha256:{canonical_sha256(BASIC)}"
    assert entry.at == app.call.opens_at.replace(microsecond=0)


def test_the_hash_is_of_the_content_whatever_the_order_and_a_save_without_change_is_no_edit(
        draft):
    app, lead = draft
    intake.save_section(app, "basic", BASIC, actor=lead)
    intake.save_section(app, "basic", dict(reversed(BASIC.items())), actor=lead)
    assert len(edits(app)) == 1

    changed = {**BASIC, "summary": "改写后的简介。"}
    intake.save_section(app, "basic", {**changed, "not_a_field": "ignored"}, actor=lead)

    first, second = edits(app)
    assert second.comment == f"basic sha256:{canonical_sha256(changed)}"
    assert second.comment != first.comment
    assert audit.content_sha256(changed) == canonical_sha256(changed)


def test_changing_the_name_or_field_records_the_new_ones(draft):
    app, lead = draft
    other = app.call.fields[1]

    intake.update_basics(app, title=app.title, field_id=app.field_id, actor=lead)
    assert edits(app) == []
    intake.update_basics(app, title=" 山东省半导体激光技术创新中心 ", field_id=other.id,
                         actor=lead)

    (entry,) = edits(app)
    assert (entry.action, entry.actor_id) == ("edit_basics", lead.id)
    assert entry.comment == "basics sha256:" + canonical_sha256(
        {"title": "山东省半导体激光技术创新中心", "field": other.name})


def test_a_refused_edit_writes_no_row(draft):
    app, _lead = draft
    stranger = factories.applicant()
    with pytest.raises(PermissionDenied):
        intake.save_section(app, "basic", BASIC, actor=stranger)
    with pytest.raises(PermissionDenied):
        intake.update_basics(app, title="别人的中心", field_id=app.field_id, actor=stranger)
    assert edits(app) == []


def test_the_timeline_names_the_section_and_the_start_of_the_hash(draft, login_as):
    app, lead = draft
    lead.locale = "en"
    db.session.commit()
    client = login_as(lead)

    refresh()
    assert client.post(f"/applications/{app.id}/sections/basic", data=BASIC).status_code == 302
    refresh()
    html = client.get(f"/applications/{app.id}").get_data(as_text=True)

    (entry,) = edits(app)
    digest = entry.comment.rsplit(":", 1)[1]
    timeline = html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "Section saved" in timeline
    assert str(escape(f"Section 1 “Basic information”; content SHA-256 {digest[:12]}…")) \
        in timeline
    assert entry.comment not in timeline
