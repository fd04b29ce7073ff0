"""The score sheet says exactly who sees what an expert enters: the points per item only the
expert, the total the panel's chair once all sheets are in, the panel's score the department;
and grades are shown in the reader's language."""
from tests import scoring_world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db


def who_sees(client, seat) -> str:
    html = client.get(f"/expert/seats/{seat.id}/sheet").get_data(as_text=True)
    return html[html.index('id="who-sees"'):html.index("</div>", html.index('id="who-sees"'))]


def test_a_member_reads_who_sees_the_items_the_total_and_the_panel_score(login):
    panel = scoring_world.panel(size=3)
    db.session.commit()

    text = who_sees(login(panel.experts[1]), panel.seats[1])
    assert "your points and comments on each item: only you" in text
    assert "your total and any veto, with your name: the chair of the panel, once every " \
           "sheet of the panel is submitted" in text
    assert "the department and its leadership, in the ranking" in text
    assert "you see none of theirs" in text and "As the chair" not in text
    assert "no other expert sees them" not in text


def test_the_chair_reads_that_it_sees_every_total_once_all_are_in(login):
    panel = scoring_world.panel(size=3)
    db.session.commit()

    text = who_sees(login(panel.chair), panel.seats[0])
    assert "As the chair, you see every total once all sheets are in" in text


def test_the_grade_is_shown_in_english_to_an_english_reader(login):
    panel = scoring_world.panel(size=3)
    scoring_world.submit_all(panel, [80, 78, 76])
    db.session.commit()

    html = login(panel.chair).get(f"/expert/applications/{panel.app.id}/panel").get_data(
        as_text=True)
    assert "Grade: Good" in html and "良好" not in html
