"""Tests for the decode journal: what a dead indexing run leaves, and what the next run makes of it."""

from __future__ import annotations

import json

import pytest

from photoalbum.core.decode_journal import DecodeJournal, Recovered


def write(path, *lines):
    path.write_text("".join(json.dumps(list(x)) + "\n" for x in lines), encoding="utf-8")


def test_no_journal_means_nothing_died(tmp_path):
    assert DecodeJournal(tmp_path / "j").recover() == Recovered()


def test_in_flight_photos_are_suspects_and_a_lone_one_is_the_culprit(tmp_path):
    j = tmp_path / "j"
    write(j, ("start", "/p/a.jpg"), ("start", "/p/b.jpg"), ("end", "/p/a.jpg"),
          ("start", "/p/c.jpg"))
    assert DecodeJournal(j).recover() == Recovered(frozenset({"/p/b.jpg", "/p/c.jpg"}))
    # the next run carried b and c, decoded c alone (fine), then died decoding b alone
    write(j, ("suspect", "/p/b.jpg"), ("suspect", "/p/c.jpg"), ("alone", "/p/c.jpg"),
          ("end", "/p/c.jpg"), ("start", "/p/d.jpg"), ("end", "/p/d.jpg"), ("alone", "/p/b.jpg"))
    assert DecodeJournal(j).recover() == Recovered(frozenset(), frozenset({"/p/b.jpg"}))


def test_a_line_cut_short_by_the_death_and_odd_names(tmp_path):
    j = tmp_path / "j"
    odd = "/p/new\nline \udce9 \"q\".jpg"
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
