"""A form sent with errors comes back with an alert at the top of the page that links to each
field in error, the first of them autofocused and every error tied to its field: no
JavaScript needed, wherever the form sits on a long page (the upload at the bottom of an
application)."""
import io
import re

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db


def main_of(html: str) -> str:
    return html[html.index('<main id="content"'):]


def test_a_refused_upload_is_announced_at_the_top_and_its_field_focused(login):
    lead = factories.applicant()
    app = factories.application(factories.call(), lead, complete=False)
    db.session.commit()

    response = login(lead).post(f"/applications/{app.id}/attachments", data={
        "kind": "licence", "file": (io.BytesIO(b"not a pdf"), "licence.pdf")})
    main = main_of(response.get_data(as_text=True))
    assert response.status_code == 422
    assert main.index('id="field-errors"') < main.index("<h1")
    start = main.index('id="field-errors"')
    summary = main[start:main.index("</div>", start)]
    assert re.search(r'<a class="alert-link" href="#file">PDF file</a>: \S', summary)
    field = re.search(r"<input[^>]*id=\"file\"[^>]*>", main).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert 'aria-describedby="file-error file-help"' in field
    assert 'id="file-error"' in main and 'id="file-help"' in main


def test_only_the_first_field_in_error_takes_the_focus(login):
    lead = factories.applicant()
    app = factories.application(factories.call(), lead, complete=False)
    db.session.commit()

    response = login(lead).post(f"/applications/{app.id}/sections/foundation",
                                data={"revenue_y1": "-1", "staff_total": "many"})
    main = main_of(response.get_data(as_text=True))
    # A field's id is its key behind "f-" (forms/form_fields.py Entry.id).
    assert [m for m in re.findall(r'href="#([\w-]+)"', main)
            if m in ("f-revenue_y1", "f-staff_total")] == ["f-revenue_y1", "f-staff_total"]
    assert re.findall(r"<input[^>]*autofocus[^>]*>", main) == [
        re.search(r"<input[^>]*id=\"f-revenue_y1\"[^>]*>", main).group(0)]


def test_a_page_without_errors_has_no_summary_and_no_autofocus(login):
    lead = factories.applicant()
    app = factories.application(factories.call(), lead, complete=False)
    db.session.commit()

    html = login(lead).get(f"/applications/{app.id}/sections/foundation").get_data(as_text=True)
    assert 'id="field-errors"' not in html and "autofocus" not in html
    assert "aria-invalid" not in html
