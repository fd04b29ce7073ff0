"""Every create form is safe against double submission (forms/base.py, web/operations/once.py):
the form carries a one-time token made when it is shown; the first submission uses it up
in the transaction that creates the row; the same form sent again, one after the other or
at the same moment, creates nothing and is answered with the first one's outcome. A token
missing, forged or too old is refused with the form shown again as typed."""
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from tests import factories
from tests.lifecycle.test_races import at_once, english_client
from tests.publicity_world import world as publicity_world
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.demo.steps import tiny_pdf
from workflow.experts.models import ExpertEmployment, ExpertRelation
from workflow.intake.models import Application, Attachment, CoBuilder
from workflow.notices.models import DocumentNumber
from workflow.organizations.models import Organization
from workflow.publicity.models import Objection
from workflow.publicity.operations import publicity
from workflow.web.models import FormSubmission
from workflow.web.operations import once

SENT_TWICE = "This form had been sent already"
TOO_OLD = "This form was open for too long or is incomplete"
MORNING = datetime(2022, 11, 4, 10, tzinfo=clock.LOCAL)  # a Friday, a working day


@pytest.fixture(autouse=True)
def tokens_required(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_TOKEN_REQUIRED", True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def token_on(client, page: str, name: str = "once") -> str:
    html = client.get(page).get_data(as_text=True)
    found = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)" name="{name}"', html)
    assert found, f"no one-time token on {page}"
    return found.group(1)


def said(client, response) -> str:
    """The page a redirect leads to (through the login page, where it leads there)."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"], follow_redirects=True).get_data(
        as_text=True)


def fresh(client):
    """Each request of `client` chooses its language anew: the test's app context outlives
    them and Flask-Babel keeps the locale in g (as tests/screens.py does)."""
    plain_open = client.open

    def open_fresh(*args, **kwargs):
        refresh()
        return plain_open(*args, **kwargs)

    client.open = open_fresh
    return client


@dataclass
class Form:
    client: object
    page: str  # where the form is shown
    action: str  # where it is sent
    data: object  # a function: a fresh copy of what is typed (uploads are read once)
    model: type  # what it creates
    said: str  # the first submission's message
    once: str = "once"  # the name of its one-time token (with the form's prefix)

    def __post_init__(self):
        fresh(self.client)


def start_application(app) -> Form:
    call = factories.call()
    lead = factories.applicant()
    db.session.commit()
    return Form(english_client(app, lead), f"/calls/{call.id}/apply",
                f"/calls/{call.id}/apply",
                lambda: {"title": "山东省双击测试技术创新中心", "field_id": call.fields[0].id},
                Application, "Your draft is saved")


def new_call(app) -> Form:
    officer = factories.officer()
    term = factories.term("工业软件")
    db.session.commit()
    return Form(english_client(app, officer), "/officer/calls/new", "/officer/calls/new",
                lambda: {"platform_type_id": 1, "year": 2027, "title": "2027年度技术创新中心",
                         "opens_at": "2027-03-01T09:00", "closes_at": "2027-04-30T17:00",
                         "quota": 30, "recommender_quota": 5, "fields": [term.id],
                         "attachments": "licence: 营业执照", "correction_workdays": 5,
                         "correction_rounds": 1},
                Call, "Call created")


def reserve_number(app) -> Form:
    officer = factories.officer()
    db.session.commit()
    return Form(english_client(app, officer), "/officer/numbers", "/officer/numbers/reserve",
                lambda: {"office": "鲁科函", "year": 2027, "title": "关于某事的复函"},
                DocumentNumber, "鲁科函〔2027〕1号 is yours")


def invite_user(app) -> Form:
    officer = factories.officer()
    db.session.commit()
    return Form(english_client(app, officer), "/officer/users/new", "/officer/users/new",
                lambda: {"name": "新处员", "email": "new.officer@example.com",
                         "roles": ["officer"]},
                User, "was invited")


def add_cobuilder(app) -> Form:
    draft = factories.application(complete=False)
    partner = factories.org(name="测试大学", kind="university")
    lead = db.session.get(User, draft.created_by_id)
    db.session.commit()
    return Form(english_client(app, lead), f"/applications/{draft.id}",
                f"/applications/{draft.id}/cobuilders",
                lambda: {"credit_code": partner.credit_code, "name": "测试大学",
                         "division": "联合研发"},
                CoBuilder, "Co-builder added")


def upload_attachment(app) -> Form:
    draft = factories.application(complete=False)
    lead = db.session.get(User, draft.created_by_id)
    db.session.commit()
    return Form(english_client(app, lead), f"/applications/{draft.id}",
                f"/applications/{draft.id}/attachments",
                lambda: {"kind": "licence", "file": (io.BytesIO(factories.PDF), "营业执照.pdf")},
                Attachment, "Attachment uploaded")


def file_objection(app) -> Form:
    w = publicity_world("半导体激光")
    w.shortlist(w.apps[0])
    announcement = w.publish()
    entry = publicity.entry_of(w.apps[0])
    db.session.commit()
    client = app.test_client()
    client.post("/language/en", data={"next": "/"})
    return Form(client, f"/publicity/{announcement.id}",
                f"/publicity/{announcement.id}/objections",
                lambda: {"filer_kind": "person", "entry_id": entry.id, "person_name": "王五",
                         "phone": "13800000000", "content": "申报材料与事实不符"},
                Objection, "Your objection is received")


def register(app) -> Form:
    code = factories.credit_code(factories.QINGDAO)
    client = app.test_client()
    client.post("/language/en", data={"next": "/"})
    return Form(client, "/register", "/register", lambda: {
        "org_name": "青岛蓝海智能装备有限公司", "credit_code": code, "region_code": "",
        "kind": "enterprise", "independent_legal_person": "y", "legal_representative": "赵六",
        "user_name": "钱七", "phone": "0532-88886666", "email": "lanhai@example.com",
        "password": "a-long-password", "confirm": "a-long-password",
        "licence": (io.BytesIO(tiny_pdf(f"Licence {code}")), "营业执照.pdf")},
        Organization, "Your organization is registered")


def _expert_profile(app) -> tuple:
    expert = factories.expert("工业软件")
    db.session.commit()
    return english_client(app, expert.user), f"/experts/{expert.id}/profile"


def add_employment(app) -> Form:
    client, page = _expert_profile(app)
    code = factories.credit_code()
    return Form(client, page, page.replace("/profile", "/employments"),
                lambda: {"job-org_name": "山东某集团", "job-credit_code": code,
                         "job-role": "employee", "job-start_date": "2021-03-01"},
                ExpertEmployment, "Employer added", once="job-once")


def add_relation(app) -> Form:
    client, page = _expert_profile(app)
    return Form(client, page, page.replace("/profile", "/relations"),
                lambda: {"rel-kind": "coauthor", "rel-person_name": "李四"},
                ExpertRelation, "Relation declared", once="rel-once")


FORMS = [start_application, new_call, reserve_number, invite_user, add_cobuilder,
         upload_attachment, file_objection, register, add_employment, add_relation]


@pytest.fixture
def morning():
    with factories.clock_at(MORNING):
        yield


@pytest.mark.parametrize("make_form", FORMS, ids=lambda f: f.__name__)
def test_the_same_form_sent_twice_creates_one_row_and_shows_the_first_outcome(app, morning,
                                                                              make_form):
    form = make_form(app)
    before = count(form.model)
    token = token_on(form.client, form.page, form.once)
    first = form.client.post(form.action, data={**form.data(), form.once: token})
    assert first.status_code == 302
    if form.client.get_cookie("session") is not None and make_form is register:
        form.client.post("/logout")  # the browser dropped the first answer's cookie
    second = form.client.post(form.action, data={**form.data(), form.once: token})
    assert count(form.model) == before + 1
    assert count(FormSubmission) == 1
    page = said(form.client, second)
    assert SENT_TWICE in page
    if make_form is not register:  # its outcome is a page behind the login
        assert second.headers["Location"] == first.headers["Location"]
        assert form.said in page


@pytest.mark.parametrize("make_form", FORMS, ids=lambda f: f.__name__)
def test_the_same_form_sent_twice_at_once_creates_one_row(app, morning, make_form):
    form = make_form(app)
    before = count(form.model)
    token = token_on(form.client, form.page, form.once)
    cookie = form.client.get_cookie("session")
    clients = [form.client, app.test_client()]
    if cookie is not None:
        clients[1].set_cookie("session", cookie.value)
    sent = [{**form.data(), form.once: token} for _client in clients]  # read in this thread
    responses = at_once([lambda c=c, d=d: c.post(form.action, data=d)
                         for c, d in zip(clients, sent, strict=True)])
    assert [r.status_code for r in responses] == [302, 302]
    assert count(form.model) == before + 1
    assert count(FormSubmission) == 1


@pytest.mark.parametrize("make_form", [start_application, new_call, reserve_number,
                                       invite_user, file_objection, register],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("token", ["", "forged", "a" * 300, "once.signed.elsewhere"])
def test_a_form_without_a_valid_token_is_shown_again_as_typed(app, morning, make_form, token):
    form = make_form(app)
    before = count(form.model)
    data = {**form.data(), "once": token} if token else form.data()
    response = form.client.post(form.action, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TOO_OLD in html
    assert count(form.model) == before
    fresh = re.search(r'name="once" type="hidden" value="([^"]+)"', html).group(1)
    assert once.nonce_of(fresh) is not None and fresh != token
    typed = next(v for k, v in form.data().items() if isinstance(v, str) and len(v) > 3
                 and k not in ("password", "confirm"))
    assert typed in html
    assert "a-long-password" not in html


def test_a_token_older_than_a_day_is_refused(app, morning):
    form = start_application(app)
    token = token_on(form.client, form.page)
    with factories.clock_at(MORNING + once.MAX_AGE + timedelta(minutes=1)):
        response = form.client.post(form.action, data={**form.data(), "once": token})
    assert response.status_code == 422 and count(Application) == 0


def test_a_refused_submission_gives_the_token_back(app, morning):
    """The service refused the first try (a wrong office code): the corrected form, sent with
    the same token, is done."""
    form = reserve_number(app)
    token = token_on(form.client, form.page)
    wrong = form.client.post(form.action, data={**form.data(), "office": "LKZ", "once": token})
    assert wrong.status_code == 422 and count(DocumentNumber) == 0
    assert token in wrong.get_data(as_text=True)
    right = form.client.post(form.action, data={**form.data(), "once": token})
    assert right.status_code == 302 and count(DocumentNumber) == 1


def test_someone_elses_token_shows_nothing_of_their_outcome(app, morning):
    form = reserve_number(app)
    token = token_on(form.client, form.page)
    form.client.post(form.action, data={**form.data(), "once": token})
    other = factories.officer()
    db.session.commit()
    stranger = english_client(app, other)
    response = stranger.post(form.action, data={**form.data(), "title": "另一份", "once": token})
    page = said(stranger, response)
    assert SENT_TWICE in page and "is yours" not in page
    assert count(DocumentNumber) == 1


def test_used_tokens_are_forgotten_after_a_day(app, morning):
    form = reserve_number(app)
    form.client.post(form.action, data={**form.data(), "once": token_on(form.client,
                                                                      form.page)})
    with factories.clock_at(MORNING + once.MAX_AGE + timedelta(hours=1)):
        form.client.post(form.action, data={**form.data(), "once": token_on(form.client,
                                                                          form.page)})
    assert count(FormSubmission) == 1


# One live application per unit and call, held by the database


def test_a_second_live_application_is_refused_by_the_database(app):
    first = factories.application(complete=False)
    db.session.commit()
    twin = Application(call_id=first.call_id, lead_org_id=first.lead_org_id,
                       field_id=first.field_id, title="双胞胎", region_code=first.region_code,
                       created_by_id=first.created_by_id, state=AppState.DRAFT)
    db.session.add(twin)
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_a_withdrawn_application_leaves_room_for_a_new_one(app):
    first = factories.application(state=AppState.WITHDRAWN)
    lead = db.session.get(User, first.created_by_id)
    again = factories.application(first.call, lead, complete=False)
    db.session.commit()
    assert again.id != first.id and count(Application) == 2


def test_two_starts_at_once_without_tokens_land_on_the_one_draft(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_TOKEN_REQUIRED", False)
    call = factories.call()
    lead = factories.applicant()
    partner = factories.user(Role.APPLICANT, organization=lead.organization)
    db.session.commit()
    clients = [english_client(app, lead), english_client(app, partner)]
    data = {"title": "山东省并发测试技术创新中心", "field_id": call.fields[0].id}
    responses = at_once([lambda c=c: c.post(f"/calls/{call.id}/apply", data=data)
                         for c in clients])
    (draft,) = db.session.scalars(select(Application)).all()
    assert [r.headers["Location"] for r in responses] == [f"/applications/{draft.id}"] * 2
    assert count(AuditEntry, AuditEntry.action == "create_application") == 1
