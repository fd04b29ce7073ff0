"""Who gets what of the annual reports' pages: each route of tests/reports/access.py asked as
every role (anonymous, the lead unit of report a, another unit (the lead of report b), the
city of a and b (Jinan), another city (Qingdao, the city of c), officer, leader, expert), with
the status each gets. Those allowed send forms that are refused as incomplete or wrong (422)
so nothing changes; another unit's report and its attachment asked for by id are refused
(403/404) and change nothing."""
import io

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import emptied_afterwards
from tests.reports.access import ROUTES
from tests.reports.world import NARRATIVE, build, full_values, open_2023
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.reports.models import AnnualReport, ReportAttachment, ReportRound, ReportValue
from workflow.reports.operations import filing, review

ROLES = ("anonymous", "lead", "other_org", "city", "other_city", "officer", "leader", "expert")
# (endpoint, method, path, form, statuses in the order of ROLES)
TABLE = [
    ("reports.rounds_index", "GET", "/officer/reports", None, "302 403 403 403 403 200 200 403"),
    ("reports.open_round", "POST", "/officer/reports", {}, "302 403 403 403 403 422 403 403"),
    ("reports.round_page", "GET", "/officer/reports/{round}", None,
     "302 403 403 403 403 200 200 403"),
    ("reports.mine", "GET", "/reports", None, "302 200 200 403 403 403 403 403"),
    ("reports.city", "GET", "/recommender/reports", None, "302 403 403 200 200 403 403 403"),
    ("reports.detail", "GET", "/reports/{a}", None, "302 200 403 200 403 200 200 403"),
    ("reports.edit", "GET", "/reports/{a}/edit", None, "302 200 403 403 403 403 403 403"),
    ("reports.save", "POST", "/reports/{a}/edit", {"v_rd_spending": "abc"},
     "302 422 403 403 403 403 403 403"),
    ("reports.upload", "POST", "/reports/{a}/attachments", {},
     "302 422 403 403 403 403 403 403"),
    ("reports.attachment", "GET", "/reports/{a}/attachments/{att}", None,
     "302 200 403 200 403 200 200 403"),
    # Removing an attachment already removed: refused with a message, nothing changes.
    ("reports.remove_attachment", "POST", "/reports/{a}/attachments/{removed}/remove", {},
     "302 302 403 403 403 403 403 403"),
    ("reports.decide", "POST", "/reports/{b}/review", {}, "302 403 403 422 403 403 403 403"),
    ("reports.decide", "POST", "/reports/{c}/review", {}, "302 403 403 403 403 422 403 403"),
    ("reports.decide", "POST", "/reports/{a}/review", {}, "302 403 403 403 403 403 403 403"),
    # Another unit's report (b, filed by the other unit) asked for by id by the lead of a.
    ("reports.detail", "GET", "/reports/{b}", None, "302 403 200 200 403 200 200 403"),
    ("reports.edit", "GET", "/reports/{b}/edit", None, "302 403 403 403 403 403 403 403"),
    ("reports.save", "POST", "/reports/{b}/edit", {"v_rd_spending": "1"},
     "302 403 403 403 403 403 403 403"),
    ("reports.upload", "POST", "/reports/{b}/attachments", {},
     "302 403 403 403 403 403 403 403"),
    # a's attachment under b's address: found nowhere.
    ("reports.attachment", "GET", "/reports/{b}/attachments/{att}", None,
     "302 404 404 404 404 404 404 404"),
]


@pytest.fixture(scope="module")
def world(app):
    with emptied_afterwards(app):
        w = build()
        round_ = open_2023(w)
        reports = {r.application_id: r for r in db.session.scalars(select(AnnualReport))}
        a, b, c = (reports[w.apps[k].id] for k in "abc")
        lead = w.users["lead_a"]
        att = filing.store_report_attachment(a, filename="审计报告.pdf",
                                             stream=io.BytesIO(factories.PDF), actor=lead)
        removed = filing.store_report_attachment(a, filename="旧.pdf",
                                                 stream=io.BytesIO(factories.PDF), actor=lead)
        filing.remove_report_attachment(removed, actor=lead)
        for report, key in ((b, "lead_b"), (c, "lead_c")):
            filing.save_report(report, values=full_values(), narrative=NARRATIVE, submit=True,
                               actor=w.users[key])
        review.city_review(c, passed=True, actor=w.users["rec_qingdao"])
        users = {"lead": lead, "other_org": w.users["lead_b"], "city": w.users["rec_jinan"],
                 "other_city": w.users["rec_qingdao"], "officer": w.users["officer"],
                 "leader": w.users["leader"], "expert": factories.expert("工业软件").user}
        db.session.commit()
        yield {"users": {who: u.email for who, u in users.items()},
               "ids": {"round": round_.id, "a": a.id, "b": b.id, "c": c.id, "att": att.id,
                       "removed": removed.id}}


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here only read the shared world."""
    yield


def fingerprint() -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.scalar(select(func.count()).select_from(ReportRound)),
            db.session.execute(select(AnnualReport.id, AnnualReport.state,
                                      AnnualReport.lock_version)).all(),
            db.session.execute(select(ReportValue.report_id, ReportValue.code,
                                      ReportValue.value)).all(),
            db.session.execute(select(ReportAttachment.id, ReportAttachment.removed_at)).all())


def test_the_table_names_every_route():
    assert {(endpoint, method) for endpoint, method, _p, _f, _s in TABLE} == ROUTES


@pytest.mark.parametrize("endpoint,method,path,form,statuses", TABLE,
                         ids=[f"{m}-{p}" for _e, m, p, _f, _s in TABLE])
def test_route_answers_each_role(app, world, endpoint, method, path, form, statuses):
    url = path.format(**world["ids"])
    got = {}
    with app.app_context():
        before = fingerprint()
        for who in ROLES:
            client = app.test_client()
            if who != "anonymous":
                assert client.post("/login", data={"email": world["users"][who],
                                                   "password": factories.PASSWORD}
                                   ).status_code == 302
            response = client.open(url, method=method, data=form)
            got[who] = response.status_code
            if who == "anonymous":
                assert response.location.startswith("/login")
            assert fingerprint() == before, who
        db.session.remove()
    assert got == dict(zip(ROLES, map(int, statuses.split()), strict=True))
