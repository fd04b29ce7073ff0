"""Check every stored file against the SHA-256 its row records (attachments, licences,
objection letters, announcements, notices, letters and the seals printed on them): the last
step of a restore (scripts/restore.sh), and worth a run after any move of UPLOAD_DIR.

    .venv/bin/python -m workflow.serving.stored_files     # exit status 1 when one differs
"""
import sys
from pathlib import Path

from sqlalchemy import select

from workflow import create_app
from workflow.core import storage
from workflow.core.extensions import db
from workflow.intake.models import Attachment
from workflow.notices.models import Notice, OfficialDocument
from workflow.organizations.models import Licence
from workflow.publicity.models import Objection, Publicity


def recorded() -> list[tuple[Path, str]]:
    """(file, SHA-256 recorded for it) for every file a row names."""
    files = [(storage.uploads_dir() / name, sha) for name, sha in db.session.execute(
        select(Attachment.stored_name, Attachment.sha256))]
    files += [(storage.licences_dir() / name, sha) for name, sha in db.session.execute(
        select(Licence.stored_name, Licence.sha256))]
    files += [(storage.uploads_dir() / name, sha) for name, sha in db.session.execute(
        select(Objection.letter_name, Objection.letter_sha256)
        .where(Objection.letter_name.is_not(None)))]
    files += [(storage.documents_dir() / name, sha) for name, sha in db.session.execute(
        select(Publicity.document_name, Publicity.document_sha256))]
    files += [(storage.documents_dir() / name, sha) for name, sha in db.session.execute(
        select(OfficialDocument.stored_name, OfficialDocument.sha256)
        .where(OfficialDocument.stored_at.is_not(None)))]
    seals = {(s["stored_name"], s["sha256"]) for s in (
        content.get("seal") for content in db.session.scalars(select(Notice.content))) if s}
    return files + [(storage.seals_dir() / name, sha) for name, sha in sorted(seals)]


def problems() -> list[str]:
    """What does not match: a file missing, or changed since it was stored."""
    found = []
    for path, sha256 in recorded():
        try:
            storage.read_verified(path, sha256)
        except storage.DamagedFile as damage:
            found.append(str(damage))
    return found


def main() -> int:
    with create_app().app_context():
        checked, found = len(recorded()), problems()
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{checked - len(found)} of {checked} stored files match their SHA-256")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
