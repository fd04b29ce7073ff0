"""Section 3's figures of the three years before the call's year are labelled with those years:
a 2027 call asks for the revenue and R&D spending of 2024, 2025 and 2026."""
from html import escape, unescape

from flask_babel import force_locale

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db
from workflow.intake.operations import intake

YEARS = ["Revenue in 2024 (10,000 yuan)", "Revenue in 2025 (10,000 yuan)",
         "Revenue in 2026 (10,000 yuan)", "R&D spending in 2024 (10,000 yuan)",
         "R&D spending in 2025 (10,000 yuan)", "R&D spending in 2026 (10,000 yuan)"]


def draft_of_2027(lead):
    return factories.application(factories.call(year=2027), lead, complete=False)


def test_the_form_of_section_3_names_the_three_years_before_the_call(login):
    lead = factories.applicant()
    app = draft_of_2027(lead)
    db.session.commit()

    html = login(lead).get(f"/applications/{app.id}/sections/foundation").get_data(as_text=True)
    labels = [unescape(html[html.index(f'for="f-{key}"'):].split(">", 1)[1]
                       .split("<", 1)[0]).strip()
              for key in ("revenue_y1", "revenue_y2", "revenue_y3",
                          "rd_spend_y1", "rd_spend_y2", "rd_spend_y3")]
    assert labels == YEARS
    assert "year 1" not in html and "%(year)s" not in html


def test_the_application_and_its_missing_figures_name_the_years(login):
    lead = factories.applicant()
    app = draft_of_2027(lead)
    intake.save_section(app, "foundation", {"revenue_y1": "100"}, actor=lead)
    db.session.commit()

    html = login(lead).get(f"/applications/{app.id}").get_data(as_text=True)
    shown = html[html.index('id="s-foundation"'):html.index('id="s-targets"')]
    assert all(f">{escape(label)}</dt>" in shown for label in YEARS)
    with login(lead).application.test_request_context(), force_locale("en"):
        problems = " ".join(intake.submission_problems(app))
    assert "Revenue in 2025 (10,000 yuan)" in problems and "%(year)s" not in problems
