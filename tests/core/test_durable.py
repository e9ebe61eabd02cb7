"""Tests for photoalbum.core.durable: atomic writes, their temp files, fsyncs and a full disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from photoalbum.core import durable
from photoalbum.core.durable import replacing, replacing_all, temp_path, write_atomically
from photoalbum.core.errors import DiskFullError, KnownError


def _count_fsyncs(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(durable.os, "fsync", counting)
    return calls


def test_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "state.json"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]


def test_durable_write_fsyncs_the_file_and_its_folder(tmp_path: Path, monkeypatch) -> None:
    calls = _count_fsyncs(monkeypatch)
    write_atomically(tmp_path / "a", b"x")
    assert len(calls) == 2  # the temp file, then the folder


def test_cache_write_does_not_fsync(tmp_path: Path, monkeypatch) -> None:
    calls = _count_fsyncs(monkeypatch)
    write_atomically(tmp_path / "thumb.jpg", b"x", durable=False)
    assert calls == []
    assert (tmp_path / "thumb.jpg").read_bytes() == b"x"


def test_temp_names_are_unique_and_hidden(tmp_path: Path) -> None:
    target = tmp_path / "m.hnsw"
    names = {temp_path(target).name for _ in range(50)}
    assert len(names) == 50
    assert all(n.startswith(".m.hnsw.") and n.endswith(".tmp") for n in names)


def test_failed_write_keeps_the_previous_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    write_atomically(target, b"old")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


@pytest.mark.parametrize("where", ["write", "fsync", "rename"])
def test_full_disk_is_a_known_error_and_keeps_the_file(tmp_path: Path, monkeypatch, where) -> None:
    target = tmp_path / "index.json"
    write_atomically(target, b"old")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "fsync":
        monkeypatch.setattr(durable.os, "fsync", full)
    elif where == "rename":
        monkeypatch.setattr(durable.os, "replace", full)
    with pytest.raises(DiskFullError) as info, replacing(target) as tmp:
        tmp.write_bytes(b"new")
        if where == "write":
            full()
    assert isinstance(info.value, KnownError)
    assert "full" in str(info.value) and "index.json" in str(info.value)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]
    write_atomically(target, b"new")  # once there is room again
    assert target.read_bytes() == b"new"


def test_other_os_errors_pass_through(tmp_path: Path) -> None:
    with pytest.raises(PermissionError), replacing(tmp_path / "x"):
        raise PermissionError(errno.EACCES, "denied")
    assert list(tmp_path.iterdir()) == []


def test_a_pair_is_renamed_only_when_both_are_written(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_atomically(a, b"a0")
    write_atomically(b, b"b0")
    with pytest.raises(ValueError), replacing_all(a, b) as (ta, tb):
        ta.write_bytes(b"a1")
        raise ValueError("second one failed")
    assert (a.read_bytes(), b.read_bytes()) == (b"a0", b"b0")
    with replacing_all(a, b) as (ta, tb):
        ta.write_bytes(b"a1")
        tb.write_bytes(b"b1")
    assert (a.read_bytes(), b.read_bytes()) == (b"a1", b"b1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_the_caches_skip_fsync_and_state_files_do_not(tmp_path: Path, monkeypatch) -> None:
    from photoalbum.core.faces.crops import FaceCrops
    from photoalbum.core.thumbnails import ThumbnailCache
    from photoalbum.core.vectorstore import HnswStore

    calls = _count_fsyncs(monkeypatch)
    jpeg = b"\xff\xd8\xff jpeg \xff\xd9"  # a thumbnail's first and last bytes
    ThumbnailCache(tmp_path / "thumbs").put("ab" * 20, jpeg)
    FaceCrops(tmp_path / "faces").put(FaceCrops.name_for(7, 0), b"jpeg")
    assert calls == []
    assert ThumbnailCache(tmp_path / "thumbs").get("ab" * 20) == jpeg
    store = HnswStore.empty(4, path=tmp_path / "index" / "m.hnsw")
    store.save(1)
    assert len(calls) >= 3  # the index file, its sidecar, their folder
