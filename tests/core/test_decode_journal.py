"""Tests for the decode journal: what a dead indexing run leaves, and what the next run makes of it."""

from __future__ import annotations

import json
import os

import pytest

from photoalbum.core.decode_journal import DecodeJournal, Recovered, decoder_versions


def write(path, *lines):
    path.write_text("".join(json.dumps(list(x)) + "\n" for x in lines), encoding="utf-8")


def test_no_journal_means_nothing_died(tmp_path):
    assert DecodeJournal(tmp_path / "j").recover() == Recovered()


def test_in_flight_photos_are_suspects_and_a_lone_one_is_the_culprit(tmp_path):
    j = tmp_path / "j"
    write(
        j, ("start", "/p/a.jpg"), ("start", "/p/b.jpg"), ("end", "/p/a.jpg"), ("start", "/p/c.jpg")
    )
    assert DecodeJournal(j).recover() == Recovered(frozenset({"/p/b.jpg", "/p/c.jpg"}))
    # the next run carried b and c, decoded c alone (fine), then died decoding b alone: once
    # is not enough (it may have been killed for another reason), b stays a suspect
    write(
        j,
        ("suspect", "/p/b.jpg"),
        ("suspect", "/p/c.jpg"),
        ("alone", "/p/c.jpg"),
        ("end", "/p/c.jpg"),
        ("start", "/p/d.jpg"),
        ("end", "/p/d.jpg"),
        ("alone", "/p/b.jpg"),
    )
    dead = DecodeJournal(j).recover()
    assert dead == Recovered(frozenset({"/p/b.jpg"}), frozenset(), {"/p/b.jpg": 1})
    # the run after carried b with its lone death and died on it alone again: the culprit
    write(j, ("suspect", "/p/b.jpg", 1), ("alone", "/p/b.jpg"))
    assert DecodeJournal(j).recover() == Recovered(frozenset(), frozenset({"/p/b.jpg"}))


def test_a_line_cut_short_by_the_death_and_odd_names(tmp_path):
    j = tmp_path / "j"
    odd = '/p/new\nline \udce9 "q".jpg'
    journal = DecodeJournal(j)
    with journal.session():
        journal.started(odd)
        journal.started("/p/x.jpg")
        journal.ended("/p/x.jpg")
        data = j.read_bytes()
    j.write_bytes(data + b'["start", "/p/cut')
    assert journal.recover() == Recovered(frozenset({odd}))


def test_a_run_that_ends_removes_the_journal_or_keeps_its_untried_suspects(tmp_path):
    j = tmp_path / "lib" / "j"
    journal = DecodeJournal(j)
    with journal.session(["/p/s1.jpg", "/p/s2.jpg"]):
        assert journal.recover().suspects == {"/p/s1.jpg", "/p/s2.jpg"}
        journal.started("/p/s1.jpg", alone=True)
        journal.ended("/p/s1.jpg")
    # cancelled before s2 was tried alone: it stays a suspect for the next run
    assert journal.recover() == Recovered(frozenset({"/p/s2.jpg"}))
    with pytest.raises(RuntimeError), journal.session(["/p/s2.jpg"]):
        journal.started("/p/s2.jpg", alone=True)
        journal.ended("/p/s2.jpg")
        raise RuntimeError("a bug, not a crash")
    assert not j.exists()


def test_two_kills_in_a_row_do_not_condemn_a_photo(tmp_path):
    """A kill among others, then a kill while the photo was decoded alone: one lone death,
    carried by the next session, which decodes the photo alone again."""
    j = tmp_path / "j"
    journal = DecodeJournal(j)
    with journal.session():  # first run: killed with two photos in flight
        journal.started("/p/a.jpg")
        journal.started("/p/b.jpg")
        data = j.read_bytes()
    j.write_bytes(data)
    dead = journal.recover()
    with journal.session(dead.suspects, dead.deaths):  # second: killed decoding a alone
        journal.started("/p/a.jpg", alone=True)
        data = j.read_bytes()
    j.write_bytes(data)
    dead = journal.recover()
    assert dead.culprits == frozenset() and dead.suspects == {"/p/a.jpg", "/p/b.jpg"}
    assert dead.deaths == {"/p/a.jpg": 1}
    with journal.session(dead.suspects, dead.deaths):  # third: cancelled before trying a
        journal.started("/p/b.jpg", alone=True)
        journal.ended("/p/b.jpg")
    dead = journal.recover()  # the lone death survives the shortened journal
    assert dead == Recovered(frozenset({"/p/a.jpg"}), frozenset(), {"/p/a.jpg": 1})
    with journal.session(dead.suspects, dead.deaths):  # fourth: killed on a alone again
        journal.started("/p/a.jpg", alone=True)
        data = j.read_bytes()
    j.write_bytes(data)
    assert journal.recover() == Recovered(frozenset(), frozenset({"/p/a.jpg"}))


def test_crash_reasons_name_the_decoders_and_are_retried_after_an_upgrade():
    from photoalbum.core.decode_journal import (
        crash_reason,
        crash_retry_due,
        decoder_versions,
    )

    now = decoder_versions()
    assert "Pillow " in now and "pillow-heif " in now
    reason = crash_reason(now)
    assert now in reason
    assert not crash_retry_due(reason, now)
    assert crash_retry_due(crash_reason("Pillow 9.0.0, pillow-heif absent"), now)
    # recorded by an older version (no versions in it): tried again once
    assert crash_retry_due(
        "the image decoder crashed on this file (tried alone after an earlier crash)", now
    )
    assert not crash_retry_due("cannot identify image file", now)
    assert not crash_retry_due(None, now)


@pytest.mark.parametrize("how", ["error", "short"])
def test_a_full_disk_while_journaling_is_a_known_error(tmp_path, monkeypatch, how):
    import errno

    from photoalbum.core import decode_journal
    from photoalbum.core.errors import DiskFullError, KnownError

    j = tmp_path / "j"
    journal = DecodeJournal(j)
    real_write = os.write

    def full(fd, data):
        if how == "short":
            return real_write(fd, data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(DiskFullError) as info, journal.session(["/p/s.jpg"]):
        monkeypatch.setattr(decode_journal.os, "write", full)
        journal.started("/p/a.jpg")
    assert isinstance(info.value, KnownError) and "full" in str(info.value)
    monkeypatch.undo()
    # the untried suspect is still in the journal for the next run
    assert "/p/s.jpg" in journal.recover().suspects


def test_a_full_disk_when_shortening_the_journal_keeps_it_whole(tmp_path, monkeypatch):
    import errno

    from photoalbum.core import durable

    j = tmp_path / "j"
    journal = DecodeJournal(j)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with journal.session(["/p/s1.jpg", "/p/s2.jpg"], {"/p/s2.jpg": 1}):
        journal.started("/p/s1.jpg", alone=True)
        journal.ended("/p/s1.jpg")
        monkeypatch.setattr(durable.tempfile, "mkstemp", full)
    monkeypatch.undo()
    assert journal.recover() == Recovered(frozenset({"/p/s2.jpg"}), frozenset(), {"/p/s2.jpg": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["j"]


def test_decoder_versions_name_libraw_through_rawpy() -> None:
    # A LibRaw crash on a RAW is isolated like any other; a new rawpy (LibRaw) retries it.
    assert "rawpy " in decoder_versions()
