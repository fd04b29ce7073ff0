"""A center of its own for the centers' tests: an operating center whose lead unit is in
Qingdao, with a confirmed co-builder, and the people around it."""
import io
from types import SimpleNamespace

from tests import factories
from workflow.centers import operations as centers
from workflow.centers.operations import ChangeRequest
from workflow.core import pdf_check
from workflow.core.extensions import db
from workflow.core.states import AppState, Role
from workflow.demo.steps import tiny_pdf


def center_world(state: AppState = AppState.OPERATING) -> SimpleNamespace:
    lead = factories.applicant(factories.QINGDAO)
    app = factories.application(lead=lead, state=state, cobuilder=True)
    world = SimpleNamespace(
        app=app, lead=lead, center=centers.open_center(app, actor=lead),
        cobuilder=app.cobuilders[0],
        other_org=factories.applicant(factories.QINGDAO),
        city=factories.recommender(factories.QINGDAO),
        other_city=factories.recommender(factories.JINAN),
        officer=factories.officer(), leader=factories.leader(),
        expert=factories.user(Role.EXPERT))
    db.session.flush()
    return world


def document(text: str = "Change request"):
    """A checked one-page PDF, as a form hands it to the operation."""
    return pdf_check.check_pdf(tiny_pdf(text))


def asking(kind: str, **values) -> ChangeRequest:
    return ChangeRequest(kind=kind, reason=values.pop("reason", "单位更名"),
                         document_filename="变更申请.pdf",
                         document=values.pop("document", document()), **values)


def pdf_upload(name: str = "变更申请.pdf"):
    return (io.BytesIO(factories.PDF), name)
