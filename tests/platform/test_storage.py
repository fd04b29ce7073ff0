"""workflow.core.storage: the one writer of stored files. Written once, read-only, durable
(temporary file, fsync, rename), read back only while the recorded SHA-256 matches."""
import hashlib
import os
import stat

import pytest

from workflow.core import storage


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_write_once_returns_the_digest_and_size(tmp_path):
    stored = storage.write_once(tmp_path, "a.pdf", b"%PDF-1.7 one")
    assert stored.path == tmp_path / "a.pdf"
    assert stored.sha256 == hashlib.sha256(b"%PDF-1.7 one").hexdigest()
    assert stored.size == len(b"%PDF-1.7 one")
    assert storage.read_verified(stored.path, stored.sha256) == b"%PDF-1.7 one"


def test_write_once_refuses_to_overwrite(tmp_path):
    storage.write_once(tmp_path, "a.pdf", b"first")
    with pytest.raises(storage.FileExists):
        storage.write_once(tmp_path, "a.pdf", b"second")
    assert (tmp_path / "a.pdf").read_bytes() == b"first"
    assert _leftovers(tmp_path) == []


def test_stored_file_is_read_only(tmp_path):
    stored = storage.write_once(tmp_path, "a.pdf", b"data")
    mode = stat.S_IMODE(os.stat(stored.path).st_mode)
    assert mode & 0o222 == 0
    assert mode & 0o444 == 0o444


def test_tampered_file_is_refused_on_read(tmp_path):
    stored = storage.write_once(tmp_path, "a.pdf", b"as issued")
    os.chmod(stored.path, 0o644)
    stored.path.write_bytes(b"changed afterwards")
    with pytest.raises(storage.DamagedFile, match="a.pdf no longer has its recorded SHA-256"):
        storage.read_verified(stored.path, stored.sha256)


def test_missing_file_is_refused_on_read(tmp_path):
    with pytest.raises(storage.DamagedFile, match="gone.pdf is missing"):
        storage.read_verified(tmp_path / "gone.pdf", "0" * 64)


def test_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        storage.write_once(tmp_path, "a.pdf", b"data")
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    def broken_link(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "link", broken_link)
    with pytest.raises(OSError):
        storage.write_once(tmp_path, "a.pdf", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_leftover_of_an_uncommitted_step_may_be_replaced(tmp_path):
    storage.write_once(tmp_path, "notice-1-000-X.pdf", b"left by a crashed step")
    staged = storage.write_temporary(tmp_path, b"rendered again")
    storage.move_into_place(staged, tmp_path / "notice-1-000-X.pdf", replace_leftover=True)
    assert (tmp_path / "notice-1-000-X.pdf").read_bytes() == b"rendered again"
    assert _leftovers(tmp_path) == []
