"""Tests for the albums and marks tables: the schema-7 migration, content keys, crash safety."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event

from photoalbum.core.errors import UserError
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoFilter, PhotoMeta
from photoalbum.persistence import open_catalog
from photoalbum.persistence.albums import Marks
from photoalbum.persistence.catalog import SqlCatalog

REPO = Path(__file__).resolve().parents[2]
V6_DUMP = REPO / "tests" / "data" / "catalog_v6.sql"


def item(path: str, root_id: int, seed: int, taken: datetime | None = None) -> IndexedItem:
    v = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    meta = PhotoMeta(10, 10, taken_at=taken, taken_offset=60 if taken else None)
    return IndexedItem(FileInfo(path, 1, 1), root_id, f"fp{seed}", meta, v / np.linalg.norm(v))


@pytest.fixture
def cat(paths) -> SqlCatalog:
    c = open_catalog(paths.catalog)
    root = c.add_root("/pics")
    c.commit_batch(
        "m",
        [item(f"/pics/{i}.jpg", root.id, i, datetime(2020, 1, 1 + i)) for i in range(4)],
    )
    yield c
    c.close()


def _schema(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {
            t: sorted(r[1:4] + r[5:] for r in con.execute(f"PRAGMA table_info({t})"))
            for t in tables
        }
        out["indexes"] = sorted(
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        )
        return out
    finally:
        con.close()


def test_a_schema_6_catalog_migrates_keeping_its_photos(paths, tmp_path: Path) -> None:
    con = sqlite3.connect(paths.catalog)
    con.executescript(V6_DUMP.read_text())
    con.close()
    cat = open_catalog(paths.catalog)
    try:
        assert len(cat.live_ids("m")) == 2 and cat.status_counts("m").gone == 1
        [photo] = cat.photos([2])
        assert photo.date.value == datetime(2020, 1, 2, 12) and photo.meta.taken_offset is None
        assert cat.photos([1])[0].date_is_approximate
        album = cat.albums.create("Trip", "trip")
        assert cat.albums.add(album, [("fp1", "/pics/p1.jpg"), ("fp2", "/pics/p2.jpg")]) == 2
        assert cat.filter_ids(PhotoFilter(album=album), "m").tolist() == [2]  # fp2 is gone
        assert [r.missing for r in cat.albums.albums()] == [1]
    finally:
        cat.close()
    backup = paths.catalog.with_name(paths.catalog.name + ".v6.backup")
    assert backup.exists()
    fresh = tmp_path / "fresh.sqlite3"
    open_catalog(fresh).close()
    assert _schema(paths.catalog) == _schema(fresh)  # the step makes what a new catalog has


def test_membership_follows_the_content_through_a_move_and_a_gone_spell(cat: SqlCatalog) -> None:
    albums = cat.albums
    a = albums.create("A", "a")
    albums.add(a, [("fp1", "/pics/1.jpg"), ("fp2", "/pics/2.jpg")])
    cat.mark_gone([2])
    [rec] = albums.albums()
    assert (rec.count, rec.missing) == (2, 1)
    members = {m.fingerprint: m for m in albums.members(a)}
    assert not members["fp1"].present and members["fp1"].photo_id == 2  # still shown, as missing
    cat.move_photo(2, FileInfo("/pics/sub/1 renamed.jpg", 1, 1), 1)
    [rec] = albums.albums()
    assert rec.missing == 0
    assert cat.filter_ids(PhotoFilter(album=a), "m").tolist() == [2, 3]
    cat.remove_photos([3])  # no row has fp2 any more: still a member, missing
    assert albums.albums()[0].missing == 1
    assert albums.remove_missing(a) == 1
    assert [m.fingerprint for m in albums.members(a)] == ["fp1"]


def test_names_are_unique_by_key_and_changes_are_checked(cat: SqlCatalog) -> None:
    albums = cat.albums
    a = albums.create("Été", "été")
    with pytest.raises(UserError, match="already an album called 'Été'"):
        albums.create("ÉTÉ", "été")
    b = albums.create("Other", "other")
    with pytest.raises(UserError, match="already"):
        albums.rename(b, "été", "été")
    albums.rename(a, "ÉTÉ", "été")  # its own name, new case
    assert [r.name for r in albums.albums()] == ["Other", "ÉTÉ"]
    with pytest.raises(UserError, match="no album with id 99"):
        albums.add(99, [("fp1", "/pics/1.jpg")])
    with pytest.raises(UserError, match="cover must be a photo of the album"):
        albums.set_cover(a, "fp3")
    assert albums.delete(a) and not albums.delete(a)


def test_hidden_ids_looks_up_the_hidden_marks_not_every_photo(cat: SqlCatalog) -> None:
    # Every search asks for the hidden ids: the query must not scan the photos table.
    root = cat.add_root("/more")
    cat.commit_batch("m", [item("/more/copy-of-2.jpg", root.id, 2)])  # photo 5, fingerprint fp2
    albums = cat.albums
    albums.set_marks([("fp2", "/pics/2.jpg")], hidden=True)
    albums.set_marks([("fp0", "/pics/0.jpg")], favorite=True)  # a mark that is not hidden
    albums.set_marks([("fp9", "/gone/9.jpg")], hidden=True)  # hidden content no photo has now
    statements: list[tuple[str, tuple]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    engine = cat.database.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert albums.hidden_ids() == [3, 5]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    (sql, params), *_ = [s for s in statements if "photo_marks" in s[0]]
    with sqlite3.connect(cat.path) as con:
        plan = [r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert not [step for step in plan if step.split()[:2] == ["SCAN", "photos"]], plan
    assert any("ix_photos_fingerprint" in step for step in plan), plan


def test_cover_falls_back_when_it_leaves(cat: SqlCatalog) -> None:
    albums = cat.albums
    a = albums.create("A", "a")
    albums.add(a, [("fp1", "/pics/1.jpg"), ("fp2", "/pics/2.jpg")])
    albums.set_cover(a, "fp2")
    assert albums.find(album_id=a).cover == "fp2"
    albums.remove(a, ["fp2"])
    assert albums.find(album_id=a).cover is None


def test_marks_filter_inside_filter_ids(cat: SqlCatalog) -> None:
    albums = cat.albums
    albums.set_marks([("fp0", "/pics/0.jpg"), ("fp1", "/pics/1.jpg")], favorite=True)
    albums.set_marks([("fp1", "/pics/1.jpg")], rating=4)
    albums.set_marks([("fp2", "/pics/2.jpg")], rating=2)
    albums.set_marks([("fp3", "/pics/3.jpg")], hidden=True)
    ids = lambda **kw: cat.filter_ids(PhotoFilter(**kw), "m").tolist()  # noqa: E731
    assert ids() == [1, 2, 3]  # hidden photo 4 is out by default
    assert ids(include_hidden=True) == [1, 2, 3, 4]
    assert ids(favorites=True) == [1, 2]
    assert ids(min_rating=3) == [2]
    assert ids(min_rating=2) == [2, 3]
    assert ids(min_rating=0) == [1, 2, 3]
    with pytest.raises(UserError, match="rating"):
        ids(min_rating=6)
    assert albums.marks(["fp1", "fp9"]) == {"fp1": Marks(True, 4, False)}
    assert albums.hidden_ids() == [4]
    # Clearing every mark removes the row; a change that changes nothing is not counted.
    assert albums.set_marks([("fp3", "/pics/3.jpg")], hidden=False) == 1
    assert albums.set_marks([("fp3", "/pics/3.jpg")], hidden=False) == 0
    assert "fp3" not in albums.marks()
    with pytest.raises(UserError):
        albums.set_marks([("fp3", "/pics/3.jpg")], rating=9)


def test_no_capture_date_and_date_filter_use_the_one_rule(paths) -> None:
    cat = open_catalog(paths.catalog)
    try:
        root = cat.add_root("/pics")
        mtime = int(datetime(2015, 5, 5, 10).timestamp() * 1e9)
        v = np.ones(8, np.float32) / np.sqrt(8)
        cat.commit_batch(
            "m",
            [
                IndexedItem(FileInfo("/pics/a.jpg", 1, mtime), root.id, "a", PhotoMeta(1, 1), v),
                IndexedItem(
                    FileInfo("/pics/b.jpg", 1, mtime),
                    root.id,
                    "b",
                    PhotoMeta(1, 1, taken_at=datetime(2001, 1, 1)),
                    v,
                ),
            ],
        )
        assert cat.filter_ids(PhotoFilter(no_capture_date=True), "m").tolist() == [1]
        in_2015 = PhotoFilter(date_from=datetime(2015, 1, 1), date_to=datetime(2015, 12, 31))
        assert cat.filter_ids(in_2015, "m").tolist() == [1]
        assert cat.albums.dated_ids(None, None) == [1, 2]  # newest first
        assert cat.albums.dated_ids(datetime(2001, 1, 1), datetime(2002, 1, 1)) == [2]
    finally:
        cat.close()


_CHANGER = textwrap.dedent("""
    import sys
    from photoalbum.persistence import open_catalog
    cat = open_catalog(sys.argv[1])
    albums = cat.albums
    n = 0
    while True:
        a = albums.create(f"album {n}", f"album {n}")
        albums.add(a, [(f"fp{i}", f"/pics/{i}.jpg") for i in range(4)])
        albums.set_marks([(f"fp{n % 4}", "/x")], rating=n % 6, favorite=bool(n % 2))
        albums.remove(a, ["fp0"])
        albums.set_cover(a, "fp1")
        if n % 3 == 0:
            albums.delete(a)
        n += 1
        print(n, flush=True)
""")


def test_kill_9_during_album_changes_leaves_a_consistent_catalog(
    cat: SqlCatalog, paths, tmp_path: Path
) -> None:
    cat.close()
    script = tmp_path / "changer.py"
    script.write_text(_CHANGER)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rnd = random.Random(7)
    for _round in range(3):
        con = sqlite3.connect(paths.catalog)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM albums")
        con.commit()
        con.close()
        proc = subprocess.Popen(
            [sys.executable, str(script), str(paths.catalog)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for _ in range(3 + rnd.randrange(8)):
                assert proc.stdout.readline(), "changer died"
            time.sleep(rnd.random() * 0.02)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        con = sqlite3.connect(paths.catalog)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            # Invariants: no member without its album; a cover is a member; ratings in range.
            assert con.execute(
                "SELECT COUNT(*) FROM album_photos ap LEFT JOIN albums a ON a.id = ap.album_id"
                " WHERE a.id IS NULL"
            ).fetchone() == (0,)
            assert con.execute(
                "SELECT COUNT(*) FROM albums a WHERE a.cover IS NOT NULL AND NOT EXISTS"
                " (SELECT 1 FROM album_photos ap WHERE ap.album_id = a.id"
                " AND ap.fingerprint = a.cover)"
            ).fetchone() == (0,)
            sizes = {
                r[0] for r in con.execute("SELECT COUNT(*) FROM album_photos GROUP BY album_id")
            }
            assert sizes <= {3, 4}  # "add 4" is whole; "remove 1" whole
            assert con.execute(
                "SELECT COUNT(*) FROM photo_marks WHERE rating NOT BETWEEN 0 AND 5"
            ).fetchone() == (0,)
        finally:
            con.close()
    again = open_catalog(paths.catalog)
    # create and add are two changes (a transaction each): a kill between them leaves the new
    # album empty, which is consistent; a partly added or partly removed album is not
    assert all(r.count in (0, 3, 4) for r in again.albums.albums())
    again.close()
