"""Downloads are named `<something>.pdf` from text the app holds (titles, labels, document
numbers, unit names, receipt numbers), cleaned; never from the name an uploader gave the file:
`x.html` or `evil.pdf.exe` do not come back, nor do quotes, slashes or CR/LF."""
import io
import re
from datetime import datetime
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import clock_at
from tests.publicity_world import world
from workflow.accounts.models.users import User
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.intake.models import Attachment
from workflow.notices.operations import issue as notice_issue
from workflow.publicity.models import Objection

HOSTILE_NAMES = ["x.html", "evil.pdf.exe", 'quote"d.pdf', "..\\..\\windows\\evil.pdf",
                 "../../etc/passwd", "report.pdf\u202eexe.html"]
NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)
DURING = datetime(2022, 11, 8, 15, tzinfo=LOCAL)


@pytest.mark.parametrize(("parts", "expected"), [
    (("鲁科字〔2022〕154号", "山东华光光电子股份有限公司"),
     "鲁科字〔2022〕154号-山东华光光电子股份有限公司.pdf"),
    (('a/b\\c:d*e?f"g<h>i|j',), "a_b_c_d_e_f_g_h_i_j.pdf"),
    (("two\r\nlines\tand  spaces",), "two lines and spaces.pdf"),
    (("right-to-left \u202egnp.exe",), "right-to-left gnp.exe.pdf"),
    (("..", " . "), "document.pdf"),
    (("CON",), "_CON.pdf"),
    (("",), "document.pdf"),
    (("长" * 200,), "长" * 120 + ".pdf"),
])
def test_a_download_name_is_cleaned(parts, expected):
    assert download_name(*parts) == expected


def disposition_name(response) -> str:
    """The UTF-8 name of Content-Disposition, after checking the header is one safe line
    with an ASCII fallback."""
    header = response.headers["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    fallback = re.search(r'filename="?([^";]*)"?', header).group(1)
    assert fallback.isascii() and fallback.endswith(".pdf")
    match = re.search(r"filename\*=UTF-8''([^;]+)", header)
    return unquote(match.group(1)) if match else fallback


def assert_clean(name: str, expected: str) -> None:
    assert name == expected
    assert not any(ch in name for ch in '/\\"\r\n')


@pytest.mark.parametrize("uploaded_as", HOSTILE_NAMES)
def test_an_attachment_downloads_under_the_title_and_label(app, login_as, make, uploaded_as):
    application = make.application(complete=False)
    application.title = '山东省"半导体激光"/技术\r\n创新中心'
    lead = db.session.get(User, application.created_by_id)
    db.session.commit()
    client = login_as(lead)
    assert client.post(f"/applications/{application.id}/attachments", data={
        "kind": "licence", "file": (io.BytesIO(factories.PDF), uploaded_as)}).status_code == 302
    row = db.session.scalar(select(Attachment))

    response = client.get(f"/attachments/{row.id}")

    assert response.status_code == 200 and response.data == factories.PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert_clean(disposition_name(response), "山东省_半导体激光_技术 创新中心-营业执照.pdf")


@pytest.fixture
def announced():
    with clock_at(NOV_4):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        announcement = w.publish()
    db.session.commit()
    return w, announcement


@pytest.mark.parametrize("uploaded_as", HOSTILE_NAMES)
def test_an_objection_letter_downloads_under_its_receipt_number(client, login_as, announced,
                                                                uploaded_as):
    w, announcement = announced
    with clock_at(DURING):
        filed = client.post(f"/publicity/{announcement.id}/objections", data={
            "filer_kind": "organization", "entry_id": announcement.entries[0].id,
            "organization_name": "测试异议单位", "contact_person": "李四",
            "phone": "0531-88880000", "content": "核心专利权属存在争议",
            "letter": (io.BytesIO(factories.PDF), uploaded_as)})
    assert filed.status_code == 302
    row = db.session.scalar(select(Objection))

    response = login_as(w.officer).get(f"/officer/objections/{row.id}/letter")

    assert response.status_code == 200 and response.data == factories.PDF
    name = disposition_name(response)
    assert name.endswith(f"-{row.receipt_no}.pdf") and uploaded_as not in name
    assert_clean(name, name)


def test_the_announcement_downloads_under_its_cleaned_title(client, announced):
    _w, announcement = announced
    announcement.title = '关于"2022"年度/拟建设名单\r\n的公示'
    db.session.commit()

    response = client.get(f"/publicity/{announcement.id}/announcement.pdf")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert_clean(disposition_name(response), "关于_2022_年度_拟建设名单 的公示.pdf")


@pytest.fixture
def issued(app, tmp_path, monkeypatch):
    """An issued notice (stand-in files) whose unit calls itself with quotes and a slash."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setattr(notice_issue, "render_document", lambda doc: factories.PDF)
    officer = factories.officer()
    call = factories.call(actor=officer)
    (approved,) = factories.approval_pending_batch(call, 1, officer)
    approved.lead_org.name = '山东"华光"/光电子股份有限公司'
    notice = factories.issue_notice(call, officer)
    db.session.commit()
    return notice


def test_the_notice_and_letter_are_named_by_number_and_unit(login_as, issued, tmp_path):
    notice, letter = issued.documents
    number = issued.number.text
    lead = db.session.scalar(select(User).where(
        User.organization_id == letter.application.lead_org_id))
    client = login_as(lead)

    names = [disposition_name(client.get(f"/documents/{doc.id}")) for doc in (notice, letter)]

    assert names == [f"{number}.pdf", f"{number}-山东_华光_光电子股份有限公司.pdf"]
    assert re.fullmatch(r"\w+〔\d{4}〕\d+号", number)
    written = notice_issue.export_documents(tmp_path / "export")
    assert sorted(p.name for p in written) == sorted(names)
    assert quote(names[1]) in client.get(f"/documents/{letter.id}").headers[
        "Content-Disposition"]
