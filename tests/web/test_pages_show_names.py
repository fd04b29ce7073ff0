"""Pages show names, never the codes and keys the data holds: cities rather than region codes,
platform types rather than their codes, attachments by their labels, the scopes of the
checklist with what they mean; and a missing value shows as nothing or in words, never as
"None"."""
import io

from flask import render_template_string

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.experts.operations import conflicts
from workflow.intake.operations import attachments


def test_eligibility_names_the_city_and_the_platform_types_and_says_what_is_missing(login):
    lead = factories.applicant(factories.ZIBO)
    app = factories.application(factories.call(), lead, complete=False)
    db.session.commit()

    html = login(lead).get(f"/applications/{app.id}").get_data(as_text=True)
    table = html[html.index('id="eligibility"'):]
    assert "淄博市" in table and "370300" not in table
    assert "excluded type: 技术创新中心" in table and "tech_innovation_center" not in table
    assert "Found: not given" in table and "None" not in table


def test_an_uploaded_attachment_is_named_by_its_label_in_the_timeline(login):
    lead = factories.applicant()
    call = factories.call(attachments=[("accounts", "近两年审计报告")])
    app = factories.application(call, lead, complete=False)
    attachments.store_attachment(app, kind="accounts", filename="审计.pdf",
                                 stream=io.BytesIO(factories.PDF), actor=lead)
    db.session.commit()

    html = login(lead).get(f"/applications/{app.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    assert "近两年审计报告: 审计.pdf" in timeline and "accounts" not in timeline


def test_the_same_city_exclusion_names_the_city(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    factories.expert(app.field.name, region=factories.JINAN)
    conflicts.compute_exclusions(call, actor=officer)
    db.session.commit()

    html = login(officer).get(f"/officer/calls/{call.id}/panels").get_data(as_text=True)
    row = html[html.index('id="exclusions"'):]
    assert "R8 same city as the lead unit</td><td>济南市</td>" in row
    assert "370100" not in row


def test_the_checklist_editor_says_what_each_scope_lets_change(login):
    officer = factories.officer()
    call = factories.call(actor=officer, attachments=[("accounts", "近两年审计报告")])
    db.session.commit()

    html = login(officer).get(f"/officer/calls/{call.id}/eligibility").get_data(as_text=True)
    scopes = html[html.index('id="scopes"'):html.index("</table>", html.index('id="scopes"'))]
    assert "<code>attachment:accounts</code></td><td>the attachment “近两年审计报告”" in scopes
    assert "<code>section:budget</code></td><td>section 7 “Budget and funding”" in scopes
    assert "<code>tech_innovation_center</code> 技术创新中心" in html


def test_a_missing_value_renders_as_nothing(app):
    with app.test_request_context():
        assert render_template_string("[{{ nothing }}|{{ 0 }}|{{ '' }}]", nothing=None) == "[|0|]"

