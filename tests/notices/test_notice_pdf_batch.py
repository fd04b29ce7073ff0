"""The notice's PDFs at scale: a letter stays small (its fonts cut down to the glyphs it
prints) and looks exactly as WeasyPrint drew it; a batch rendered by worker processes gives
the same bytes as one rendered here; a failure half-way approves nothing; WeasyPrint is
imported only when something is rendered."""
import hashlib
import io
import subprocess
import sys

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont
from PIL import ImageChops
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from workflow.core import pdf, pdf_fonts
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.notices.documents import batch
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.models import OfficialDocument
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue

LETTER_LIMIT = 120_000


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def issued():
    """A call with three applications waiting for approval, sealed, signed and issued:
    four pending documents."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    apps = factories.approval_pending_batch(call, 3, officer)
    notices.store_seal(call, stream=io.BytesIO(specimen_seal()), actor=officer)
    notices.sign_notice(call, actor=factories.leader())
    notice = notice_issue.issue_notice(call, actor=officer)
    db.session.commit()
    return notice, apps, officer


def embedded_fonts(data: bytes) -> list[TTFont]:
    reader = PdfReader(io.BytesIO(data))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            fonts.append(TTFont(io.BytesIO(program.get_object().get_data())))
    return fonts


def pixels(data: bytes):
    document = pypdfium2.PdfDocument(data)
    try:
        return [page.render(scale=80 / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def test_a_letter_is_small_and_its_fonts_hold_only_the_glyphs_it_prints(issued):
    notice, apps, officer = issued
    letter = notice_issue.render_document(notice.documents[1])
    assert len(letter) < LETTER_LIMIT
    fonts = embedded_fonts(letter)
    assert fonts and all(font["maxp"].numGlyphs < 400 for font in fonts)
    assert all("vmtx" not in font for font in fonts)
    text = PdfReader(io.BytesIO(letter)).pages[0].extract_text()
    assert apps[0].lead_org.name in text and "特此函告" in text


def test_compacted_fonts_draw_every_page_exactly_as_weasyprint_did(issued, monkeypatch):
    notice, _apps, _officer = issued
    compacted = [notice_issue.render_document(doc) for doc in notice.documents[:2]]
    monkeypatch.setattr(pdf_fonts, "compact_fonts", lambda data: data)
    as_drawn = [notice_issue.render_document(doc) for doc in notice.documents[:2]]
    for small, large in zip(compacted, as_drawn, strict=True):
        assert len(small) < len(large) / 2
        small_pages, large_pages = pixels(small), pixels(large)
        assert len(small_pages) == len(large_pages)
        for a, b in zip(small_pages, large_pages, strict=True):
            assert ImageChops.difference(a, b).getbbox() is None


def test_a_pdf_whose_text_uses_a_glyph_it_gives_no_width_is_left_as_it_is():
    html_class, _css, _fetcher, _fonts = pdf._weasyprint()
    drawn = html_class(string="<p style='font-family: Noto Serif CJK SC'>山东省科学技术厅</p>"
                       ).write_pdf()
    with pikepdf.open(io.BytesIO(drawn)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0":
                obj.W = pikepdf.Array(list(obj.W)[2:])  # the first glyph loses its width
        out = io.BytesIO()
        document.save(out)
    odd = out.getvalue()
    assert len(pdf_fonts.compact_fonts(drawn)) < len(drawn) / 2
    assert pdf_fonts.compact_fonts(odd) == odd


def test_the_batch_rendered_by_worker_processes_gives_the_same_documents(issued, monkeypatch):
    notice, _apps, _officer = issued
    monkeypatch.setattr(batch, "PROCESSES_FROM", 2)
    jobs = [notice_issue.document_job(doc) for doc in notice.documents]
    seal = notice_issue.seal_uri(notice.content)
    setup = pdf.pdf_setup()
    here = [batch.render_job(job, setup, seal) for job in jobs]
    monkeypatch.setattr(batch, "render_job", lambda *a: pytest.fail("rendered in-process"))
    assert list(batch.render_all(jobs, setup=setup, seal_uri=seal, processes=2)) == here


def test_storing_the_batch_stores_every_document_as_rendered_one_by_one(issued, monkeypatch):
    notice, apps, officer = issued
    monkeypatch.setattr(batch, "PROCESSES_FROM", 2)
    assert notice_issue.store_documents(notice, actor=officer, processes=2) == 4
    db.session.commit()
    assert notice_issue.store_documents(notice, actor=officer) == 0
    for doc in notice.documents:
        data = notice_issue.document_bytes(doc)
        assert hashlib.sha256(data).hexdigest() == doc.sha256 and doc.size_bytes == len(data)
        assert data == notice_issue.render_document(doc)
    assert notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()
    assert all(app.state == AppState.APPROVED for app in apps)


def test_a_failure_half_way_through_the_batch_approves_nothing(issued, monkeypatch):
    notice, apps, officer = issued
    real, calls = batch.render_job, []

    def fails_on_the_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("renderer crashed")
        return real(*args)
    monkeypatch.setattr(batch, "render_job", fails_on_the_third)
    with pytest.raises(RuntimeError):
        notice_issue.store_documents(notice, actor=officer)
    db.session.rollback()
    stored = db.session.scalars(select(OfficialDocument).where(
        OfficialDocument.notice_id == notice.id, OfficialDocument.stored_at.is_not(None)))
    assert list(stored) == []
    assert not notice_issue.finish_issue(notice, actor=officer)
    assert all(app.state == AppState.APPROVAL_PENDING for app in apps)


def test_weasyprint_is_imported_only_when_something_is_rendered():
    probe = ("import sys; import workflow.core.pdf; import workflow.notices.operations.issue;"
             "print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[-1] == "False"
