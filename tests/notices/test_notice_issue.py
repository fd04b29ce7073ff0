"""Issuing a call's approval notice: one number, one notice and one letter per application,
each stored once; a crash half-way is resumed without a second number, file or lost letter;
the applications are approved only once every document is stored."""
import hashlib
import threading
import time

import flask_babel
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.intake.operations import intake
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition
from workflow.notices import queries as notice_queries
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.operations import numbers
from workflow.notices.settings import notice_settings_of


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def fast_render(monkeypatch):
    """A stand-in PDF per document where the content does not matter (speed)."""
    def stand_in(doc):
        time.sleep(0.02)  # long enough for two concurrent steps to overlap
        return b"%PDF-1.4 " + doc.verification_code.encode() + b" %%EOF"
    monkeypatch.setattr(notice_issue, "render_document", stand_in)


@pytest.fixture
def batch():
    """A call whose two applications wait for approval, its officer and a leader."""
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    apps = factories.approval_pending_batch(call, 2, officer)
    db.session.commit()
    return call, apps, officer, leader


def signed_and_issued(call, officer, leader):
    notices.sign_notice(call, actor=leader)
    notice = notice_issue.issue_notice(call, actor=officer)
    db.session.commit()
    return notice


def store_all(notice, officer) -> int:
    stored = 0
    while notice_issue.store_next_document(notice, actor=officer) is not None:
        db.session.commit()
        stored += 1
    return stored


def stored_files() -> list[str]:
    """The notice's and letters' files (the announcement's PDF shares the folder)."""
    return sorted(p.name for p in storage.documents_dir().iterdir()
                  if not p.name.startswith("publicity-"))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_issuing_numbers_the_notice_and_stores_one_notice_and_one_letter_each(batch):
    call, apps, officer, leader = batch
    numbers.set_first_number("鲁科字", notice_issue.clock.local(notice_issue.clock.now()).year,
                             154, actor=officer)
    notice = signed_and_issued(call, officer, leader)
    assert notice.state == "issuing" and notice.number.sequence == 154
    assert [d.kind for d in notice.documents] == ["notice", "letter", "letter"]
    assert {d.application_id for d in notice.documents[1:]} == {a.id for a in apps}
    assert all(d.stored_at is None for d in notice.documents)
    assert all(a.state == AppState.APPROVAL_PENDING for a in apps)

    assert store_all(notice, officer) == 3
    assert notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()

    assert notice.state == "issued" and call.state == CallState.DECIDED
    assert all(a.state == AppState.APPROVED for a in apps)
    assert len(stored_files()) == 3
    for doc in notice.documents:
        data = notice_issue.document_bytes(doc)
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == doc.sha256
        assert doc.size_bytes == len(data) and len(doc.verification_code) == 16
    assert count(AuditEntry, AuditEntry.action == "notice_numbered") == 1
    assert count(AuditEntry, AuditEntry.action == Action.ISSUE_NOTICE,
                 AuditEntry.to_state == AppState.APPROVED) == 2
    assert count(Notification, Notification.kind == Action.ISSUE_NOTICE) == 2


def test_downloading_again_gives_the_same_bytes_and_nothing_is_rendered_again(
        batch, monkeypatch):
    call, apps, officer, leader = batch
    notice = signed_and_issued(call, officer, leader)
    store_all(notice, officer)
    notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()
    first = {d.id: notice_issue.document_bytes(d) for d in notice.documents}

    monkeypatch.setattr(notice_issue, "render_document", lambda doc: pytest.fail("rendered"))
    assert notice_issue.store_next_document(notice, actor=officer) is None
    assert not notice_issue.finish_issue(notice, actor=officer)
    again = {d.id: notice_issue.document_bytes(d) for d in notice.documents}
    assert again == first


def test_a_changed_stored_file_is_refused_not_served(batch):
    call, apps, officer, leader = batch
    notice = signed_and_issued(call, officer, leader)
    store_all(notice, officer)
    letter = notice.documents[1]
    path = storage.documents_dir() / letter.stored_name
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"%")
    with pytest.raises(storage.DamagedFile):
        notice_issue.document_bytes(letter)


def test_a_crash_after_some_documents_is_resumed_without_a_second_number_or_file(
        app, batch, fast_render, monkeypatch):
    call, apps, officer, leader = batch
    notice = signed_and_issued(call, officer, leader)
    real_render, rendered = notice_issue.render_document, []

    def crash_after_two(doc):
        if len(rendered) == 2:
            raise RuntimeError("killed")
        rendered.append(doc.position)
        return real_render(doc)

    monkeypatch.setattr(notice_issue, "render_document", crash_after_two)
    with pytest.raises(RuntimeError):
        store_all(notice, officer)
    db.session.rollback()
    assert rendered == [0, 1] and len(stored_files()) == 2
    monkeypatch.setattr(notice_issue, "render_document", real_render)

    result = CliRunner().invoke(app.cli, ["notices", "resume", "--call", str(call.id)],
                                catch_exceptions=False)

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert "3 of 3 documents stored, issued" in result.output
    assert count(DocumentNumber) == 1 and count(Notice) == 1 and count(OfficialDocument) == 3
    assert len(stored_files()) == 3
    assert all(a.state == AppState.APPROVED for a in db.session.scalars(select(Application)))
    again = CliRunner().invoke(app.cli, ["notices", "resume", "--call", str(call.id)])
    assert again.exit_code == 0 and len(stored_files()) == 3


def test_a_crash_between_file_and_commit_leaves_no_stray_file_behind(batch, fast_render):
    call, apps, officer, leader = batch
    notice = signed_and_issued(call, officer, leader)
    notice_issue.store_next_document(notice, actor=officer)
    db.session.rollback()  # the process died before its commit: the row is pending again
    assert stored_files() == [f"notice-{notice.id}-000-{notice.documents[0].verification_code}.pdf"]
    store_all(notice, officer)
    db.session.expire_all()
    doc = notice.documents[0]
    assert hashlib.sha256(notice_issue.document_bytes(doc)).hexdigest() == doc.sha256
    assert len(stored_files()) == 3


def test_applications_are_not_approved_before_their_documents_are_stored(batch, fast_render):
    call, apps, officer, leader = batch
    signed_and_issued(call, officer, leader)
    with flask_babel.force_locale("en"), pytest.raises(ServiceError) as refused:
        transition(apps[0], Action.ISSUE_NOTICE, actor=officer)
    assert "notice page" in str(refused.value)
    assert not notice_issue.finish_issue(notices.notice_of(call), actor=officer)
    assert apps[0].state == AppState.APPROVAL_PENDING


def test_issue_needs_the_leaders_signature_on_the_current_draft(batch, fast_render):
    call, apps, officer, leader = batch
    with flask_babel.force_locale("en"):
        assert notice_queries.issue_problems(call) == ["A leader signs the draft before it is "
                                                     "issued."]
        notices.sign_notice(call, actor=leader)
        assert notice_queries.issue_problems(call) == []
        notices.save_settings(call, {**notice_settings_of(call).texts(), "note": "（此件不公开）"},
                              actor=officer)
        assert "signs it again" in notice_queries.issue_problems(call)[0]
        with pytest.raises(ServiceError):
            notice_issue.issue_notice(call, actor=officer)
    assert count(DocumentNumber) == 0
    notices.sign_notice(call, actor=leader)
    assert notice_issue.issue_notice(call, actor=officer).content["note"] == "（此件不公开）"


def test_only_officers_issue_and_only_leaders_sign(batch, fast_render):
    call, apps, officer, leader = batch
    with pytest.raises(PermissionDenied):
        notices.sign_notice(call, actor=officer)
    notices.sign_notice(call, actor=leader)
    for actor in (leader, factories.applicant()):
        with pytest.raises(PermissionDenied):
            notice_issue.issue_notice(call, actor=actor)
    assert count(DocumentNumber) == 0


def test_a_notice_is_issued_once(batch, fast_render):
    call, apps, officer, leader = batch
    signed_and_issued(call, officer, leader)
    with pytest.raises(ServiceError):
        notice_issue.issue_notice(call, actor=officer)
    with pytest.raises(PermissionDenied):
        notices.sign_notice(call, actor=leader)
    assert count(DocumentNumber) == 1


def test_an_application_still_in_objection_review_holds_the_notice_back(fast_render):
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    apps = []
    for field in call.fields[:2]:
        lead = factories.applicant()
        app = factories.application(call, lead)
        intake.update_basics(app, title=f"山东省{field.name}技术创新中心", field_id=field.id,
                             actor=lead)
        factories.drive(app, AppState.PROPOSED, lead=lead)
        apps.append(app)
    factories.announce(call, officer)
    factories.step_through(apps[0], Action.END_PUBLICITY, SYSTEM)
    factories.step_through(apps[1], Action.RAISE_OBJECTION_REVIEW, SYSTEM)
    with flask_babel.force_locale("en"):
        assert notice_queries.draft_problems(call) == [
            "1 applications are still in the public announcement or in objection review."]
        with pytest.raises(ServiceError):
            notices.sign_notice(call, actor=leader)
    transition(apps[1], Action.DISMISS_OBJECTION, actor=leader, comment="异议不成立")
    notice = notices.sign_notice(call, actor=leader)
    assert [u["application_id"] for u in notice.content["units"]] == sorted(
        a.id for a in apps)


# Two officers at the same moment


def _in_own_context(flask_app, work, barrier, results):
    with flask_app.app_context():
        try:
            barrier.wait(timeout=10)
            results.append(work())
            db.session.commit()
        except ServiceError as refusal:
            db.session.rollback()
            results.append(refusal)
        except Exception as unexpected:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            results.append(unexpected)
        finally:
            db.session.remove()


def _race(flask_app, work, n=2):
    barrier, results = threading.Barrier(n), []
    threads = [threading.Thread(target=_in_own_context, args=(flask_app, work, barrier, results))
               for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_officers_issuing_at_once_take_one_number(app, batch, fast_render, round_):
    call, apps, officer, leader = batch
    notices.sign_notice(call, actor=leader)
    second = factories.officer()
    db.session.commit()
    ids = iter([officer.id, second.id])
    lock = threading.Lock()

    def issue():
        with lock:
            actor_id = next(ids)
        actor = db.session.get(User, actor_id)
        return notice_issue.issue_notice(db.session.merge(call), actor=actor).id

    results = _race(app, issue)
    issued = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    assert len(issued) == 1 and len(refused) == 1, results
    assert type(refused[0]) is ServiceError, repr(refused[0])
    assert count(DocumentNumber) == 1 and count(OfficialDocument) == 3


def test_two_leaders_signing_at_once_leave_one_signed_notice(app, batch, fast_render):
    call, apps, officer, leader = batch
    second = factories.leader()
    db.session.commit()
    ids, lock = iter([leader.id, second.id]), threading.Lock()

    def sign():
        with lock:
            actor_id = next(ids)
        return notices.sign_notice(db.session.merge(call),
                                   actor=db.session.get(User, actor_id)).id

    results = _race(app, sign)
    assert all(isinstance(r, int) or type(r) is ServiceError for r in results), results
    assert count(Notice) == 1 and notices.notice_of(call).state == "signed"


@pytest.mark.parametrize("round_", range(3))
def test_two_officers_continuing_at_once_store_each_document_once(app, batch, fast_render,
                                                                  round_):
    call, apps, officer, leader = batch
    notice_id = signed_and_issued(call, officer, leader).id

    def continue_issue():
        notice = db.session.get(Notice, notice_id)
        actor = db.session.get(User, officer.id)
        done = 0
        while notice_issue.store_next_document(notice, actor=actor) is not None:
            db.session.commit()
            done += 1
        notice_issue.finish_issue(notice, actor=actor)
        return done

    results = _race(app, continue_issue)
    assert all(isinstance(r, int) for r in results), results
    notice = db.session.get(Notice, notice_id)
    assert notice.state == "issued" and len(stored_files()) == 3
    for doc in notice.documents:
        assert hashlib.sha256(notice_issue.document_bytes(doc)).hexdigest() == doc.sha256
    assert count(AuditEntry, AuditEntry.action == Action.ISSUE_NOTICE) == 2


# The command line


def test_resume_of_a_call_without_a_notice_being_issued_says_so(app, batch, fast_render):
    call, *_ = batch
    result = CliRunner().invoke(app.cli, ["notices", "resume", "--call", str(call.id)])
    assert result.exit_code != 0 and str(call.id) in result.output


def test_export_writes_every_issued_pdf_named_by_its_number(app, batch, fast_render, tmp_path):
    call, apps, officer, leader = batch
    notice = signed_and_issued(call, officer, leader)
    store_all(notice, officer)
    notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()
    out = tmp_path / "export"

    result = CliRunner().invoke(app.cli, ["notices", "export", "--out", str(out)])

    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 and all(n.startswith(notice.number.text) for n in names)
    assert any(apps[0].lead_org.name in n for n in names)
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()} == {
        d.sha256 for d in notice.documents}


@pytest.mark.parametrize("target", ["a-file", "missing/deeper"])
def test_export_to_a_bad_folder_is_a_clear_error(app, tmp_path, target):
    (tmp_path / "a-file").write_text("x")
    result = CliRunner().invoke(app.cli, ["notices", "export", "--out",
                                          str(tmp_path / target)])
    assert result.exit_code != 0
    assert str(tmp_path / target) in result.output and "Traceback" not in result.output
