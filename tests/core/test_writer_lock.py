"""Tests for the writer lock."""

import subprocess
import sys
import textwrap

import pytest

from photoalbum.core.errors import KnownError, LibraryLockedError
from photoalbum.core.writer_lock import WriterLock


def test_second_writer_is_refused_with_holder(tmp_path):
    lock_path = tmp_path / "writer.lock"
    with (
        WriterLock(lock_path, who="gui watcher"),
        pytest.raises(LibraryLockedError, match="gui watcher"),
    ):
        WriterLock(lock_path, who="cli index").acquire()
    with WriterLock(lock_path, who="cli index") as lk:  # free again
        assert lk.is_locked


def test_lock_held_by_another_process(tmp_path):
    lock_path = tmp_path / "writer.lock"
    code = textwrap.dedent(f"""
        import sys, time
        from photoalbum.core.writer_lock import WriterLock
        with WriterLock(__import__("pathlib").Path({str(lock_path)!r}), who="child"):
            print("locked", flush=True)
            sys.stdin.readline()
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(LibraryLockedError, match="child"):
            WriterLock(lock_path).acquire()
    finally:
        child.kill()
        child.wait()
    # killed holder: the OS released the lock
    with WriterLock(lock_path):
        pass


def test_a_folder_where_the_lock_file_goes_is_a_known_error(tmp_path) -> None:
    lock_path = tmp_path / "writer.lock"
    lock_path.mkdir()
    with pytest.raises(KnownError, match="lock file"):
        WriterLock(lock_path).acquire()
