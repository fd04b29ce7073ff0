"""Issued files: written once (temporary file, fsync, rename), read back only when their
SHA-256 still matches the record."""
import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app


class DamagedFile(RuntimeError):
    """A stored file is missing or no longer has the recorded SHA-256."""


def _folder(name: str) -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    return _folder("documents")


def seals_dir() -> Path:
    return _folder("seals")


def licences_dir() -> Path:
    return _folder("licences")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_temporary(folder: Path, data: bytes) -> Path:
    """`data` in a new file of `folder` under a name of its own, flushed to the disk."""
    tmp = folder / f".{secrets.token_hex(8)}.part"
    with open(tmp, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return tmp


def move_into_place(tmp: Path, target: Path) -> None:
    """Rename atomically and make the rename durable; the file becomes read-only."""
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_once(folder: Path, name: str, data: bytes) -> Path:
    target = folder / name
    move_into_place(write_temporary(folder, data), target)
    return target


def read_verified(path: Path, sha256: str) -> bytes:
    """The bytes of a stored file, or DamagedFile when it is gone or was changed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DamagedFile(f"{path.name} is missing") from exc
    if sha256_of(data) != sha256:
        raise DamagedFile(f"{path.name} no longer has its recorded SHA-256")
    return data
