"""The demo loader: loaded once, the 2022 call decided as DOMAIN.md section 9 describes,
every state reached through audited transitions, the current call open for a first try."""
from functools import partial

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from workflow import demo, demo_data
from workflow.clock import now
from workflow.extensions import db
from workflow.models import Application, AuditEntry, Call, CoBuilder, User
from workflow.models import users as user_models
from workflow.reference import CITIES
from workflow.services.accounts import authenticate
from workflow.states import AppState


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    # About 70 accounts: the default scrypt would spend most of each test hashing.
    monkeypatch.setattr(user_models, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _call(title: str) -> Call:
    return db.session.scalar(select(Call).where(Call.title == title))


def test_seed_twice_creates_the_demo_once():
    assert demo.seed() is True
    db.session.commit()
    counts = (_count(User), _count(Application), _count(AuditEntry))

    assert demo.seed() is False
    db.session.commit()

    assert (_count(User), _count(Application), _count(AuditEntry)) == counts
    assert counts[1] == len(demo_data.LEADS) + len(demo_data.CURRENT)
    for email, password, _roles in demo.LOGINS:
        assert authenticate(email, password) is not None, email


def test_seed_2022_call_has_25_approved_from_all_16_cities():
    demo.seed()
    call = _call(demo.TITLE_2022)
    apps = db.session.scalars(select(Application).where(Application.call_id == call.id)).all()

    assert call.state == "decided"
    assert sum(a.state == AppState.APPROVED for a in apps) == 25
    assert {a.region_code for a in apps} == set(CITIES)
    approved_fields = [a.field_id for a in apps if a.state == AppState.APPROVED]
    assert len(set(approved_fields)) == 25
    flagship = {a.lead_org.name: a.title for a in apps if a.state == AppState.APPROVED}
    assert flagship["山东华光光电子股份有限公司"] == "山东省半导体激光技术创新中心"
    assert flagship["浪潮通用软件有限公司"] == "山东省工业软件技术创新中心"
    assert flagship["山东奥太电气有限公司"] == "山东省焊接装备技术创新中心"


def test_seed_every_state_matches_its_last_audit_row():
    demo.seed()
    apps = db.session.scalars(select(Application)).all()

    for app in apps:
        last = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.application_id == app.id, AuditEntry.to_state.is_not(None))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        ).first()
        assert last is not None and last.to_state == app.state, app.title
    assert {a.state for a in apps} >= {
        AppState.APPROVED, AppState.NOT_RECOMMENDED, AppState.FORMAL_REJECTED,
        AppState.NOT_SELECTED, AppState.WITHDRAWN, AppState.DRAFT, AppState.SUBMITTED,
        AppState.RETURNED, AppState.RECOMMENDED,
    }


def test_seed_current_call_is_open_and_leaves_room_to_try():
    demo.seed()
    call = db.session.scalar(select(Call).where(Call.state == "open"))
    huaguang = db.session.scalar(select(User).where(User.email == "applicant@demo.centerflow.cn"))
    partner = db.session.scalar(select(User).where(User.email == "cobuilder@demo.centerflow.cn"))
    pending = db.session.scalars(
        select(CoBuilder).where(CoBuilder.organization_id == partner.organization_id,
                                CoBuilder.confirmed_at.is_(None))
    ).all()

    assert call.opens_at < now() < call.closes_at
    assert call.accepts_filings(now())
    assert not db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.lead_org_id == huaguang.organization_id
    )).all()
    assert [(c.application.call_id, c.application.state) for c in pending] == [
        (call.id, AppState.DRAFT)
    ]
