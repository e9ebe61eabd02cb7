"""Tests for telling which files are one item: names, capture times, Apple's identifiers."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from photoalbum.core.pairing import (
    PAIR_SECONDS,
    Capture,
    apple_maker_note_content_id,
    belongs_with,
    best_face,
    companion_role,
    is_face_name,
    pair_key,
    read_capture,
    seconds_apart,
)
from tests.support.pairs import apple_maker_note, local, movie, still

T0 = datetime(2024, 5, 1, 12, 0, 0)


def test_names_roles_and_keys() -> None:
    assert is_face_name("/a/IMG_1.JPG") and is_face_name("/a/x.heic")
    assert not is_face_name("/a/x.png") and not is_face_name("/a/._IMG_1.jpg")
    assert companion_role("/a/IMG_1.CR2") == "raw" and companion_role("/a/x.dng") == "raw"
    assert companion_role("/a/IMG_1.MOV") == "motion"
    assert companion_role("/a/IMG_1.mp4") is None and companion_role("/a/IMG_1.jpg") is None
    # same folder, same stem whatever the case; another folder is another group
    assert pair_key("/a/IMG_0001.JPG") == pair_key("/a/img_0001.dng")
    assert pair_key("/a/IMG_0001.JPG") != pair_key("/b/IMG_0001.dng")
    assert pair_key("/a/IMG_0001.JPG") != pair_key("/a/IMG_0001a.dng")


def test_times_within_two_seconds_pair_and_hours_apart_do_not() -> None:
    face = Capture(T0)
    assert belongs_with(face, Capture(T0 + timedelta(seconds=PAIR_SECONDS)), "raw")
    assert not belongs_with(face, Capture(T0 + timedelta(seconds=PAIR_SECONDS + 1)), "raw")
    # a camera counter that came round again: same stem, three hours later
    assert not belongs_with(face, Capture(T0 + timedelta(hours=3)), "raw")


def test_offsets_compare_instants_and_mtimes_stand_in_for_missing_times() -> None:
    # 12:00 at +02:00 and 10:00 at +00:00 are the same instant
    assert seconds_apart(Capture(T0, 120), Capture(T0 - timedelta(hours=2), 0)) == 0
    # without both offsets, clock times are compared
    assert seconds_apart(Capture(T0, 120), Capture(T0, None)) == 0
    # a file without a capture time: the modification times decide
    s = 1_000_000_000
    assert belongs_with(Capture(T0, mtime_ns=5 * s), Capture(None, mtime_ns=6 * s), "raw")
    assert not belongs_with(Capture(T0, mtime_ns=5 * s), Capture(None, mtime_ns=60 * s), "raw")


def test_content_identifiers_decide_when_both_have_one() -> None:
    far = T0 + timedelta(hours=1)
    assert belongs_with(Capture(T0, content_id="A"), Capture(far, content_id="A"), "motion")
    assert not belongs_with(Capture(T0, content_id="A"), Capture(T0, content_id="B"), "motion")
    # only one side has one: times decide
    assert belongs_with(Capture(T0, content_id="A"), Capture(T0), "motion")


def test_a_long_movie_is_not_a_live_photo_unless_its_identifier_says_so() -> None:
    assert belongs_with(Capture(T0), Capture(T0, duration_s=3.0), "motion")
    assert not belongs_with(Capture(T0), Capture(T0, duration_s=60.0), "motion")
    assert belongs_with(
        Capture(T0, content_id="A"), Capture(T0, content_id="A", duration_s=60.0), "motion"
    )


def test_best_face_is_the_closest_that_fits() -> None:
    companion = Capture(T0)
    faces = [
        ("/a/x.heic", Capture(T0 + timedelta(seconds=1))),
        ("/a/x.jpg", Capture(T0)),
        ("/a/X.JPG", Capture(T0 + timedelta(hours=2))),
    ]
    assert best_face(companion, "raw", faces) == "/a/x.jpg"
    assert best_face(companion, "raw", faces[2:]) is None


def test_apple_maker_note_content_identifier() -> None:
    assert apple_maker_note_content_id(apple_maker_note("1F2E-ABCD")) == "1F2E-ABCD"
    assert apple_maker_note_content_id(b"Nikon\x00\x02\x10\x00\x00") is None
    assert apple_maker_note_content_id(apple_maker_note("1F2E-ABCD")[:20]) is None  # truncated


@pytest.fixture
def zone(monkeypatch):
    """This computer in a zone 5:30 east of UTC: movies' UTC times must be turned into it."""
    monkeypatch.setenv("TZ", "IST-05:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_read_capture_of_a_still_and_a_movie(tmp_path: Path, zone) -> None:
    pytest.importorskip("av")
    shot = datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc)
    jpg = still(tmp_path / "IMG_1.JPG", local(shot), content_id="ID-1")
    mov = movie(tmp_path / "IMG_1.MOV", shot, content_id="ID-1")
    face = read_capture(str(jpg), 0)
    motion = read_capture(str(mov), 0)
    assert face.taken_at == datetime(2024, 5, 1, 15, 30) and face.content_id == "ID-1"
    assert motion.taken_at == datetime(2024, 5, 1, 15, 30) and motion.offset == 330
    assert motion.content_id == "ID-1" and motion.duration_s == pytest.approx(1.0, abs=0.3)
    assert seconds_apart(face, motion) == 0


def test_an_unreadable_file_gives_its_mtime_only(tmp_path: Path) -> None:
    bad = tmp_path / "IMG_1.MOV"
    bad.write_bytes(b"not a movie")
    assert read_capture(str(bad), 7) == Capture(mtime_ns=7)
    bad_jpg = tmp_path / "IMG_1.jpg"
    bad_jpg.write_bytes(b"\xff\xd8\xff garbage")
    assert read_capture(str(bad_jpg), 7) == Capture(mtime_ns=7)


def test_read_capture_of_a_raw_reads_its_tiff_header(tmp_path: Path) -> None:
    pytest.importorskip("pidng")
    from tests.support.pairs import raw

    dng = raw(tmp_path / "IMG_1.DNG", T0)
    assert read_capture(str(dng), 5) == Capture(T0, None, None, None, 5)
