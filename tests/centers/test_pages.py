"""The centers' pages as people use them: the lead unit asks for a change with its PDF, the
officer decides on the request's page, the center's page shows the history before and
after; a hostile or missing file is refused with nothing stored and nothing typed lost; the
leader revokes after a confirmation; the lists read in fixed statements."""
import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories, hostile_pdfs
from tests.centers.world import asking, center_world
from tests.web.test_queries import counted_statements
from workflow.centers import operations as centers
from workflow.centers.models import CenterChange, ChangeKind, Revocation
from workflow.core.clock import local
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.notices.models import OfficialDocument


@pytest.fixture
def w(restored):
    return restored("center_world", center_world)


@pytest.fixture
def login(login_as):
    """Log in, pages in English (the texts asserted are the source texts)."""
    def english(user):
        client = login_as(user)
        client.post("/language/en", data={"next": "/"})
        return client
    return english


def html(response) -> str:
    return response.get_data(as_text=True)


def test_a_name_change_from_form_to_decision_and_history(w, login):
    client = login(w.lead)
    page = html(client.get(f"/centers/{w.center.id}"))
    assert w.center.name in page and 'data-kind="name"' in page
    form = html(client.get(f"/centers/{w.center.id}/changes/name"))
    assert 'enctype="multipart/form-data"' in form
    sent = client.post(f"/centers/{w.center.id}/changes/name", data={
        "name": "山东省先进焊接技术创新中心", "reason": "更准确反映研究方向",
        "document": (io.BytesIO(factories.PDF), "更名申请.pdf")},
        content_type="multipart/form-data")
    change = db.session.scalar(select(CenterChange))
    assert sent.status_code == 302 and sent.location == f"/centers/changes/{change.id}"
    assert change.document_original == "更名申请.pdf"
    pdf = client.get(f"/centers/changes/{change.id}/document")
    assert pdf.status_code == 200 and pdf.data == factories.PDF

    officer = login(w.officer)
    shown = html(officer.get(f"/centers/changes/{change.id}"))
    assert 'id="decision-form"' in shown and "更准确反映研究方向" in shown
    refused = officer.post(f"/centers/changes/{change.id}/decision",
                           data={"decision": "approve", "reason": ""})
    assert refused.status_code == 422
    done = officer.post(f"/centers/changes/{change.id}/decision",
                        data={"decision": "approve", "reason": "材料齐全，同意"})
    assert done.status_code == 302 and done.location == f"/centers/{w.center.id}"
    db.session.expire_all()
    page = html(login(w.lead).get(f"/centers/{w.center.id}"))
    assert "山东省先进焊接技术创新中心" in page.split('id="center-name"')[1].split("</h1>")[0]
    history = page.split('id="changes"')[1]
    assert "山东省测试技术创新中心" in history and "材料齐全，同意" in history


@pytest.mark.parametrize("upload,why", [
    ((io.BytesIO(hostile_pdfs.HTML), "申请.pdf"), "not a PDF"),
    ((io.BytesIO(hostile_pdfs.javascript_open_action()), "申请.pdf"), "active content"),
    (None, "Choose the PDF file"),
])
def test_a_bad_or_missing_file_is_refused_keeping_what_was_typed(w, login, upload, why):
    data = {"director": "王五", "reason": "原主任退休"}
    if upload:
        data["document"] = upload
    response = login(w.lead).post(f"/centers/{w.center.id}/changes/director", data=data,
                                      content_type="multipart/form-data")
    page = html(response)
    assert response.status_code == 422 and why in page
    assert 'value="王五"' in page and "原主任退休" in page
    assert db.session.scalar(select(func.count()).select_from(CenterChange)) == 0


def test_a_second_request_of_a_kind_is_not_offered_and_is_refused(w, login):
    centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"), actor=w.lead)
    db.session.commit()
    client = login(w.lead)
    page = html(client.get(f"/centers/{w.center.id}"))
    assert 'data-kind="director"' not in page and "only one at a time" in page
    again = client.get(f"/centers/{w.center.id}/changes/director")
    assert again.status_code == 302
    sent = client.post(f"/centers/{w.center.id}/changes/director", data={
        "director": "王五", "reason": "再次申请", "document": (io.BytesIO(factories.PDF), "a.pdf")},
        content_type="multipart/form-data")
    assert sent.status_code == 422 and "only one at a time" in html(sent)


def test_the_leader_revokes_after_confirming_what_it_does(w, login):
    client = login(w.leader)
    assert 'id="revoke-link"' in html(client.get(f"/centers/{w.center.id}"))
    form = {"reason_kind": "fraud", "reason": "虚报研发投入。"}
    first = client.post(f"/centers/{w.center.id}/revoke", data=form)
    assert first.status_code == 200 and 'id="consequences"' in html(first)
    assert db.session.scalar(select(Revocation.id)) is None
    seal = re.search(r'name="confirmed" value="([0-9a-f]+)"', html(first)).group(1)
    done = client.post(f"/centers/{w.center.id}/revoke", data={**form, "confirmed": seal})
    assert done.status_code == 302
    db.session.expire_all()
    revocation = db.session.scalar(select(Revocation))
    assert revocation.center.application.state == AppState.REVOKED
    page = html(login(w.lead).get(f"/centers/{w.center.id}"))
    box = page.split('id="revocation"')[1].split("</div>")[0]
    assert "虚报研发投入" in box and revocation.decision.number.text in box
    assert login(w.lead).get(f"/decisions/{revocation.decision_id}").status_code == 200
    assert 'data-kind=' not in page  # a revoked center asks nothing
    assert login(w.leader).get(f"/centers/{w.center.id}/revoke").status_code == 302


def test_the_verification_pages_of_the_notice_and_letter_say_the_center_was_revoked(w, client):
    revocation = centers.revoke_center(w.center, reason_kind="fraud", reason="造假",
                                       actor=w.leader)
    db.session.commit()
    letter = db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == w.app.id))
    day = local(revocation.decided_at).date().isoformat()
    for doc in (letter, letter.notice.documents[0]):
        page = html(client.get(f"/verify/{doc.verification_code}"))
        assert "revoked-center" in page and day in page.split("revoked-center")[1]


def test_the_center_list_and_the_queue_read_in_fixed_statements(w, login):
    centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"), actor=w.lead)
    db.session.commit()
    officer = login(w.officer)

    def measure(path: str) -> tuple[int, str]:
        db.session.expire_all()
        with counted_statements() as statements:
            page = html(officer.get(path))
        return len(statements), page

    few = [measure("/centers/list"), measure("/centers/changes")]
    for _ in range(3):
        more = center_world()
        centers.request_change(more.center, asking(ChangeKind.DIRECTOR, director="李四"),
                               actor=more.lead)
    db.session.commit()
    many = [measure("/centers/list"), measure("/centers/changes")]
    assert [n for n, _page in few] == [n for n, _page in many]
    assert many[0][1].count("data-center=") == 4 and many[1][1].count("data-change=") == 4
