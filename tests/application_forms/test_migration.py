"""Migration e14e00000001: every existing call gets version 1 of its form, the technology
innovation center sections it had in code with the call's own required attachments, frozen
when the call had filings; every application names it; what was filed keeps rendering, its
eligibility and its book unchanged; the downgrade takes it all away again."""
import io
from pathlib import Path

from alembic.script import ScriptDirectory
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from pypdf import PdfReader
from sqlalchemy import inspect, text

from tests import factories
from tests.platform.test_migrations import separate_database
from workflow.application_forms import queries
from workflow.application_forms.shipped import TECHNOLOGY_CENTER
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.intake.operations import books
from workflow.intake.rules import eligibility

REVISION = "e14e00000001"


def before_forms(app) -> str:
    scripts = ScriptDirectory(str(Path(app.root_path).parent / "migrations"))
    return scripts.get_revision(REVISION).down_revision


def test_existing_calls_and_applications_keep_their_form_through_the_migration(app, tmp_path):
    with separate_database(app, tmp_path) as engine:
        upgrade()
        filed_call = factories.call(title="已有申报的批次")
        filed = factories.application(filed_call, state=AppState.SUBMITTED)
        draft = factories.application(filed_call, lead=factories.applicant(), complete=False)
        quiet_call = factories.call(title="尚无申报的批次",
                                    attachments=[("licence", "营业执照"), ("plan", "建设方案")])
        with force_locale("zh_CN"):
            before = {"results": [(r.code, r.passed) for r in eligibility.evaluate(filed)],
                      "sections": filed.versions[-1].snapshot["sections"]}
        ids = {"filed": filed.id, "draft": draft.id, "calls": (filed_call.id, quiet_call.id)}
        db.session.commit()
        db.session.remove()

        downgrade(revision=before_forms(app))
        assert "application_forms" not in inspect(engine).get_table_names()
        assert "form_id" not in {c["name"] for c in inspect(engine).get_columns("applications")}

        upgrade()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT call_id, version, source, frozen_at IS NOT NULL "
                                     "FROM application_forms ORDER BY call_id")).all()
            form_of = dict(conn.execute(text("SELECT id, form_id FROM applications")).all())
        assert [tuple(r) for r in rows] == [
            (ids["calls"][0], 1, "template:tech_innovation_center", True),
            (ids["calls"][1], 1, "template:tech_innovation_center", False)]

        filed, draft = db.session.get(Application, ids["filed"]), db.session.get(
            Application, ids["draft"])
        first = queries.current_form(filed.call)
        assert form_of[filed.id] == form_of[draft.id] == first.id
        assert first.definition["sections"] == TECHNOLOGY_CENTER["sections"]
        quiet = queries.current_form(db.session.get(type(filed.call), ids["calls"][1]))
        assert [a["key"] for a in quiet.definition["attachments"]] == ["licence", "plan"]
        with force_locale("zh_CN"):
            assert [(r.code, r.passed) for r in eligibility.evaluate(filed)] == before["results"]
        version = filed.versions[-1]
        assert version.snapshot["sections"] == before["sections"]
        pdf = books.book_pdf(version, actor=db.session.get(factories.User,
                                                           filed.created_by_id))
        text_of_book = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "项目负责人" in text_of_book and "风险分析与保障措施" in text_of_book
