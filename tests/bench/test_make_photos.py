"""Tests for the benches' photo maker: camera-like JPEGs from scikit-image's sample photos."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("skimage")

from bench.make_photos import PORTRAIT_EVERY, camera_size, main, make_photos
from photoalbum.core.imaging import decode_photo


def test_photos_are_camera_like_and_deterministic(tmp_path: Path) -> None:
    n = PORTRAIT_EVERY + 1
    first = make_photos(tmp_path / "a", n, mp=0.05, seed=3)
    again = make_photos(tmp_path / "b", n, mp=0.05, seed=3)
    assert [p.name for p in first] == [p.name for p in again]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, again, strict=True))
    assert first[0].name.endswith("_00000.jpg") and first[0].name.startswith("astronaut_")
    w, h = camera_size(0.05)
    decoded = [decode_photo(str(p)) for p in first]
    portrait = PORTRAIT_EVERY // 2
    for i, d in enumerate(decoded):
        assert d.meta.camera_make == "PhotoalbumBench"
        assert d.meta.taken_at is not None
        upright = (d.meta.width, d.meta.height)
        assert upright == ((h, w) if i == portrait else (w, h))
        assert d.meta.orientation == (6 if i == portrait else 1)
    # Photos come in bursts: the first few are minutes apart on one day.
    assert decoded[1].meta.taken_at.date() == decoded[0].meta.taken_at.date()


def test_other_seeds_make_other_photos(tmp_path: Path) -> None:
    a = make_photos(tmp_path / "a", 2, mp=0.05, seed=0)
    b = make_photos(tmp_path / "b", 2, mp=0.05, seed=1)
    assert a[0].read_bytes() != b[0].read_bytes()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "out"), "3", "--mp", "0.05"]) == 0
    assert len(list((tmp_path / "out").glob("*.jpg"))) == 3
    assert "wrote 3 photos" in capsys.readouterr().out
