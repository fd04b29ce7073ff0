"""The one writer and verifier of stored files (attachments, licences, seals, objection
letters, announcements, notices and letters): written once under a new name (temporary
file, fsync, link or rename, fsync of the folder), read-only, and read back only while their
SHA-256 still matches the record."""
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

READ_ONLY = 0o444


class DamagedFile(RuntimeError):
    """A stored file is missing or no longer has the recorded SHA-256."""


def _folder(name: str) -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploads_dir() -> Path:
    """Attachments and objection letters, at the top of UPLOAD_DIR."""
    return _folder("")


def documents_dir() -> Path:
    return _folder("documents")


def seals_dir() -> Path:
    return _folder("seals")


def licences_dir() -> Path:
    return _folder("licences")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_stream(stream, chunk: int = 1024 * 1024) -> str:
    """The SHA-256 of what `stream` holds, read in chunks (an upload to compare)."""
    hasher = hashlib.sha256()
    for block in iter(lambda: stream.read(chunk), b""):
        hasher.update(block)
    return hasher.hexdigest()


class FileExists(RuntimeError):
    """A stored file of that name exists already: stored files are never overwritten."""


@dataclass(frozen=True)
class Stored:
    """A file written by this module: where it is, its SHA-256 (to record) and its size."""
    path: Path
    sha256: str
    size: int


def write_temporary(folder: Path, data: bytes) -> Stored:
    """`data` in a new file of `folder` under a name of its own, flushed to the disk and
    read-only; nothing is left behind when writing fails."""
    tmp = folder / f".{secrets.token_hex(8)}.part"
    try:
        with open(tmp, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, READ_ONLY)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Stored(tmp, sha256_of(data), len(data))


def discard(staged: Stored) -> None:
    """Drop a temporary file that will not be stored."""
    staged.path.unlink(missing_ok=True)


def move_into_place(staged: Stored, target: Path, *, replace_leftover: bool = False) -> Stored:
    """Give the temporary file its name and make that durable. An existing file of that
    name is refused (FileExists, the temporary file dropped) unless `replace_leftover`:
    the caller knows no committed row names it (a step resumed after a crash)."""
    try:
        if replace_leftover:
            os.replace(staged.path, target)
        else:
            os.link(staged.path, target)  # unlike a rename, refuses an existing target
            os.unlink(staged.path)
    except FileExistsError as exc:
        discard(staged)
        raise FileExists(f"{target.name} is stored already") from exc
    except BaseException:
        discard(staged)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return Stored(target, staged.sha256, staged.size)


def write_once(folder: Path, name: str, data: bytes) -> Stored:
    """Store `data` as `folder/name`, read-only; FileExists when that name is taken.
    Returns the path, the SHA-256 to record with it and the size."""
    return move_into_place(write_temporary(folder, data), folder / name)


def read_verified(path: Path, sha256: str) -> bytes:
    """The bytes of a stored file, or DamagedFile when it is gone or was changed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DamagedFile(f"{path.name} is missing") from exc
    if sha256_of(data) != sha256:
        raise DamagedFile(f"{path.name} no longer has its recorded SHA-256")
    return data
