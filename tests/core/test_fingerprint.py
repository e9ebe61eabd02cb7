"""Tests for content fingerprints: stable, content-based, head+tail only, read-only."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from photoalbum.core.fingerprint import HEAD_BYTES, TAIL_BYTES, fingerprint
from photoalbum.core.scanning import NotRegularFileError


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _data(n: int, seed: int = 0) -> bytes:
    return hashlib.shake_256(f"{seed}".encode()).digest(n)


def test_golden_values(tmp_path: Path) -> None:
    """The layout is part of every catalog: changing it would orphan all stored fingerprints."""
    small = _write(tmp_path / "small", b"hello photo")
    big = _write(tmp_path / "big", bytes(range(256)) * 1000)  # 256 000 bytes
    assert fingerprint(small) == "931514809c2b7c9c48f957c952a9ea40"
    assert fingerprint(big) == "0d9be85e19c625ff1a37da5eac5d3edd"


def test_layout_is_size_head_tail(tmp_path: Path) -> None:
    data = _data(300_000)
    path = _write(tmp_path / "p.jpg", data)
    h = hashlib.blake2b(digest_size=16)
    h.update(len(data).to_bytes(8, "little") + data[:HEAD_BYTES] + data[-TAIL_BYTES:])
    assert fingerprint(path) == h.hexdigest()
    assert len(fingerprint(path)) == 32


@pytest.mark.parametrize("size", [0, 1, 1000, HEAD_BYTES, HEAD_BYTES + 1, HEAD_BYTES + 5000,
                                  HEAD_BYTES + TAIL_BYTES, 3 * HEAD_BYTES])  # fmt: skip
def test_every_byte_of_small_files_counts(tmp_path: Path, size: int) -> None:
    data = _data(size)
    base = fingerprint(_write(tmp_path / "a", data))
    assert fingerprint(_write(tmp_path / "b", data)) == base  # same content, other name
    if size <= HEAD_BYTES + TAIL_BYTES:
        for pos in {0, size // 2, size - 1} if size else set():
            changed = bytearray(data)
            changed[pos] ^= 0xFF
            assert fingerprint(_write(tmp_path / "c", bytes(changed))) != base, pos


def test_head_tail_and_size_count_middle_does_not(tmp_path: Path) -> None:
    data = bytearray(_data(1_000_000))
    base = fingerprint(_write(tmp_path / "a", bytes(data)))
    for pos in (0, HEAD_BYTES - 1, len(data) - TAIL_BYTES, len(data) - 1):
        changed = bytearray(data)
        changed[pos] ^= 1
        assert fingerprint(_write(tmp_path / "b", bytes(changed))) != base, pos
    middle = bytearray(data)
    middle[500_000] ^= 1  # documented limit: the middle of a large file is not read
    assert fingerprint(_write(tmp_path / "b", bytes(middle))) == base
    assert fingerprint(_write(tmp_path / "b", bytes(data) + b"\x00")) != base


def test_size_hint_does_not_change_the_result(tmp_path: Path) -> None:
    path = _write(tmp_path / "a", _data(200_000))
    assert fingerprint(path, 200_000) == fingerprint(path) == fingerprint(path, 123)


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        fingerprint(str(tmp_path / "missing.jpg"))
    with pytest.raises(NotRegularFileError):
        fingerprint(str(tmp_path))
    assert issubclass(NotRegularFileError, OSError)


def test_file_left_untouched(tmp_path: Path) -> None:
    data = _data(150_000)
    path = _write(tmp_path / "p.jpg", data)
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    fingerprint(path)
    st = os.stat(path)
    assert st.st_mtime_ns == 2_000_000_000
    assert Path(path).read_bytes() == data
