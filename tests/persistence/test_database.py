"""Tests for catalog files: creation, migrations, newer schemas, errors, and crash consistency."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event

import photoalbum.persistence.database as database
from photoalbum.core.errors import KnownError, SchemaError
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.persistence import (
    CatalogCorruptError,
    CatalogLockedError,
    DiskFullError,
    open_catalog,
)
from photoalbum.persistence.database import read_version, translate_error

REPO = Path(__file__).resolve().parents[2]


def item(path: str, root_id: int, seed: int, dim: int = 16) -> IndexedItem:
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return IndexedItem(
        FileInfo(path, 1, 1), root_id, f"fp{seed}", PhotoMeta(10, 10), v / np.linalg.norm(v)
    )


def version_of(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        con.close()


def test_new_catalog_is_created_at_the_latest_version(paths) -> None:
    cat = open_catalog(paths.catalog)
    cat.close()
    assert version_of(paths.catalog) == str(database.latest_version(database.MIGRATIONS))
    con = sqlite3.connect(paths.catalog)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    con.close()
    assert {"meta", "model_generations", "settings", "roots", "photos", "embeddings"} <= tables
    assert {
        "ix_photos_fingerprint",
        "ix_photos_live_shot_at",
        "ix_photos_live_camera",
        "ix_photos_status",
        "ix_embeddings_model",
    } <= indexes


def test_step_migration_v1_to_v2_backs_up_first(paths) -> None:
    cat = open_catalog(paths.catalog, migrations=())  # a version-1 file
    root = cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    cat.close()
    calls: list[int] = []

    def v1_to_v2(conn) -> None:
        calls.append(1)
        conn.exec_driver_sql("ALTER TABLE photos ADD COLUMN rating INTEGER")
        conn.exec_driver_sql("UPDATE photos SET rating = 3")

    steps = [v1_to_v2]
    cat = open_catalog(paths.catalog, migrations=steps)
    assert calls == [1]
    with cat.database.transaction() as c:
        assert read_version(c) == 2
        assert c.exec_driver_sql("SELECT rating FROM photos").scalar() == 3
    assert cat.photo_by_path("/pics/a.jpg") is not None and len(cat.live_ids("m")) == 1
    cat.close()

    backup = paths.catalog.with_name("catalog.sqlite3.v1.backup")
    assert backup.exists()
    assert version_of(backup) == "1"
    con = sqlite3.connect(backup)
    cols = {r[1] for r in con.execute("PRAGMA table_info(photos)")}
    assert "rating" not in cols and con.execute("SELECT COUNT(*) FROM photos").fetchone() == (1,)
    con.close()

    # opening again at v2 migrates nothing and makes no second backup
    open_catalog(paths.catalog, migrations=steps).close()
    assert calls == [1]
    assert len(list(paths.catalog.parent.glob("*.backup"))) == 1

    # a program that only knows v1 refuses the v2 file
    with pytest.raises(SchemaError, match="newer photoalbum"):
        open_catalog(paths.catalog, migrations=())


def test_failed_migration_step_leaves_the_old_version(paths) -> None:
    open_catalog(paths.catalog, migrations=()).close()

    def broken(conn) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (x)")
        raise RuntimeError("bug in migration")

    with pytest.raises(RuntimeError):
        open_catalog(paths.catalog, migrations=[broken])
    assert version_of(paths.catalog) == "1"
    con = sqlite3.connect(paths.catalog)
    assert con.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    con.close()
    open_catalog(paths.catalog, migrations=()).close()  # still usable


def test_people_migration_adds_the_face_tables(paths) -> None:
    from photoalbum.persistence.faces_schema import v3_add_faces

    before_people = database.MIGRATIONS[: database.MIGRATIONS.index(v3_add_faces)]
    cat = open_catalog(paths.catalog, migrations=before_people)
    root = cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    cat.close()
    con = sqlite3.connect(paths.catalog)  # what a catalog from before people looks like
    for table in ("faces", "people"):
        con.execute(f"DROP TABLE {table}")
    con.commit()
    con.close()
    cat = open_catalog(paths.catalog)
    with cat.database.transaction() as c:
        assert read_version(c) == len(database.MIGRATIONS) + 1
        tables = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"faces", "people", "ix_faces_person", "ix_faces_photo"} <= tables
    assert len(cat.live_ids("m")) == 1
    cat.close()


def test_migration_adds_removed_files_to_an_older_catalog(paths) -> None:
    from photoalbum.persistence.removed_schema import add_removed_files_table

    before = database.MIGRATIONS[: database.MIGRATIONS.index(add_removed_files_table)]
    open_catalog(paths.catalog, migrations=before).close()  # an older file…
    con = sqlite3.connect(paths.catalog)
    con.execute("DROP TABLE removed_files")  # …as that photoalbum made it
    con.commit()
    con.close()
    cat = open_catalog(paths.catalog)
    root = cat.add_root("/pics")
    [pid] = cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    assert cat.remove_photos([pid]) == 1
    assert cat.removed_count() == 1
    cat.close()
    assert version_of(paths.catalog) == str(len(database.MIGRATIONS) + 1)


def test_foreign_sqlite_database_is_refused(paths) -> None:
    con = sqlite3.connect(paths.catalog)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(SchemaError, match="not a photoalbum catalog"):
        open_catalog(paths.catalog)


def test_damaged_file_gives_an_actionable_error(paths) -> None:
    paths.catalog.write_bytes(b"this is not SQLite at all" * 200)
    with pytest.raises(CatalogCorruptError, match="damaged") as info:
        open_catalog(paths.catalog)
    assert isinstance(info.value, KnownError) and "Move it aside" in str(info.value)


def test_locked_catalog(paths, monkeypatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    cat = open_catalog(paths.catalog)
    root = cat.add_root("/pics")
    other = sqlite3.connect(paths.catalog, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        t0 = time.perf_counter()
        with pytest.raises(CatalogLockedError, match="busy"):
            cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
        assert time.perf_counter() - t0 >= 0.15  # waited for the busy timeout first
        assert cat.roots() == [root]  # readers are not blocked (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    cat.close()


def test_disk_full_is_a_known_error_and_rolls_back(paths) -> None:
    cat = open_catalog(paths.catalog)
    root = cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    engine = cat.database.engine
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _tiny(dbapi_conn, _record) -> None:  # SQLite reports SQLITE_FULL past this size
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    big = [item(f"/pics/{i}.jpg", root.id, i, dim=1024) for i in range(50)]
    with pytest.raises(DiskFullError, match="full"):
        cat.commit_batch("big", big)
    assert len(cat.live_ids("m")) == 1 and cat.generation("m") == 1
    cat.close()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database or disk is full", DiskFullError),
        ("database is locked", CatalogLockedError),
        ("file is not a database", CatalogCorruptError),
        ("database disk image is malformed", CatalogCorruptError),
    ],
)
def test_translate_error(message: str, kind: type, tmp_path: Path) -> None:
    err = translate_error(sqlite3.OperationalError(message), tmp_path / "c.sqlite3")
    assert type(err) is kind and str(tmp_path) in str(err)
    assert translate_error(sqlite3.IntegrityError("UNIQUE constraint failed"), tmp_path) is None
    assert translate_error(ValueError("x"), tmp_path) is None
    assert isinstance(
        translate_error(OSError(28, "No space left on device"), tmp_path), DiskFullError
    )


_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
    from photoalbum.persistence import open_catalog

    cat = open_catalog(Path(sys.argv[1]))
    root = cat.add_root("/pics")
    batch = int(sys.argv[2])
    rng = np.random.default_rng()
    n = 0
    while True:
        tag = rng.integers(1 << 62)
        vecs = rng.standard_normal((batch, 64)).astype(np.float32)
        items = [IndexedItem(FileInfo(f"/pics/{tag}_{j}.jpg", 1, 1), root.id, f"{tag}_{j}",
                             PhotoMeta(10, 10), v / np.linalg.norm(v))
                 for j, v in enumerate(vecs)]
        cat.commit_batch("m", items)
        n += 1
        print(n, flush=True)
""")


def test_kill_9_mid_transaction_leaves_a_consistent_catalog(paths, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    batch = 25
    rnd = random.Random(1)
    for _round in range(2):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(paths.catalog), str(batch)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for _ in range(5 + rnd.randrange(10)):  # a few committed batches first
                assert proc.stdout.readline(), "writer died"
            time.sleep(rnd.random() * 0.02)  # then anywhere inside the next transactions
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL

        con = sqlite3.connect(paths.catalog)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            con.execute("PRAGMA foreign_keys = ON")
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            photos = con.execute("SELECT COUNT(*) FROM photos").fetchone()[0]
            embs = con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            orphans = con.execute(
                "SELECT COUNT(*) FROM embeddings e LEFT JOIN photos p "
                "ON p.id = e.photo_id WHERE p.id IS NULL"
            ).fetchone()[0]
        finally:
            con.close()
        assert orphans == 0 and photos == embs and photos > 0
        assert photos % batch == 0  # whole batches only
        cat = open_catalog(paths.catalog)
        assert cat.generation("m") == photos // batch  # one bump per committed batch
        assert len(cat.live_ids("m")) == photos
        cat.close()


def test_places_migration_adds_the_places_table_to_a_v7_catalog(paths) -> None:
    from photoalbum.persistence.places_schema import v7_add_places

    before = database.MIGRATIONS[: database.MIGRATIONS.index(v7_add_places)]
    cat = open_catalog(paths.catalog, migrations=before)
    root = cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    with cat.database.transaction() as c:
        assert read_version(c) == 7
    cat.close()
    con = sqlite3.connect(paths.catalog)  # a catalog from before places
    con.execute("DROP TABLE photo_places")
    con.commit()
    con.close()
    cat = open_catalog(paths.catalog)
    with cat.database.transaction() as c:
        assert read_version(c) == len(database.MIGRATIONS) + 1 >= 11
        tables = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"photo_places", "photo_places_keywords_insert", "ix_photo_places_city"} <= tables
    assert len(cat.live_ids("m")) == 1
    assert cat.places.place_keys() == {}
    cat.close()


def test_video_migration_adds_media_and_moments_to_a_v8_catalog(paths) -> None:
    from photoalbum.persistence.video_schema import v8_add_videos

    before = database.MIGRATIONS[: database.MIGRATIONS.index(v8_add_videos)]
    cat = open_catalog(paths.catalog, migrations=before)
    root = cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", root.id, 1)])
    with cat.database.transaction() as c:
        assert read_version(c) == 8
    cat.close()
    con = sqlite3.connect(paths.catalog)  # a catalog as schema 8 made it
    con.execute("DROP TABLE moments")
    con.execute("ALTER TABLE photos DROP COLUMN media")
    con.execute("ALTER TABLE photos DROP COLUMN duration_s")
    con.commit()
    con.close()
    cat = open_catalog(paths.catalog)
    with cat.database.transaction() as c:
        assert read_version(c) == len(database.MIGRATIONS) + 1 >= 9
        tables = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert c.exec_driver_sql("SELECT media, duration_s FROM photos").one() == ("photo", None)
    assert {"moments", "ix_moments_model"} <= tables
    assert cat.photo_by_path("/pics/a.jpg").media == "photo"
    assert len(cat.live_labels("m")) == 1 and cat.moment_map("m")[0].size == 0
    cat.close()
    backup = paths.catalog.with_name("catalog.sqlite3.v8.backup")
    assert backup.exists() and version_of(backup) == "8"


def test_companions_migration_keeps_the_users_work_through_it_and_a_reindex(paths, tmp_path):
    """A schema 9 catalog where a RAW and its JPEG are two items: the step adds the companion
    table and changes nothing else; the next index makes them one item (from what the catalog
    knows: no file is opened), and albums, marks and people's names stay with the JPEG."""
    pytest.importorskip("rawpy")
    pytest.importorskip("pidng")
    from datetime import datetime

    from photoalbum.core.fingerprint import fingerprint
    from photoalbum.core.indexer import Indexer
    from photoalbum.core.thumbnails import ThumbnailCache
    from photoalbum.core.vectorstore import HnswStore
    from photoalbum.persistence.companions_schema import v9_add_companions
    from tests.support.fakes import FakeImageEncoder
    from tests.support.pairs import raw, still

    taken = datetime(2024, 5, 1, 12, 0, 0)
    photos = tmp_path / "photos"
    jpg = still(photos / "IMG_0001.JPG", taken, seed=1)
    dng = raw(photos / "IMG_0001.DNG", taken, seed=1)
    enc = FakeImageEncoder()
    before = database.MIGRATIONS[: database.MIGRATIONS.index(v9_add_companions)]
    cat = open_catalog(paths.catalog, migrations=before)
    root = cat.add_root(str(photos))
    rows = []
    for i, f in enumerate((jpg, dng)):  # as schema 9 indexed them: one item each
        st = f.stat()
        v = np.random.default_rng(i).standard_normal(enc.dim).astype(np.float32)
        rows.append(
            IndexedItem(
                FileInfo(str(f), st.st_size, st.st_mtime_ns),
                root.id,
                fingerprint(str(f), st.st_size),
                PhotoMeta(96, 64, taken_at=taken),
                v / np.linalg.norm(v),
            )
        )
    jpg_id, dng_id = cat.commit_batch(enc.model_key, rows)
    fp = rows[0].fingerprint
    album = cat.albums.create("Spring", "spring")
    cat.albums.add(album, [(fp, str(jpg))])
    cat.albums.set_marks([(fp, str(jpg))], favorite=True, rating=5, hidden=True)
    with cat.database.transaction(write=True) as c:
        c.exec_driver_sql(
            "INSERT INTO people (id, name, hidden, excluded, created_at)"
            " VALUES (7, 'Ada', 0, 0, '2024-05-02 00:00:00')"
        )
        c.exec_driver_sql(
            "INSERT INTO faces (photo_id, x, y, w, h, landmarks, score, descriptor, person_id,"
            " pinned, seen) VALUES (?, 0.1, 0.1, 0.2, 0.2, '[]', 0.9, ?, 7, 1, 1)",
            (jpg_id, np.zeros(128, np.float32).tobytes()),
        )
    cat.close()
    con = sqlite3.connect(paths.catalog)  # a catalog as schema 9 made it
    con.execute("DROP TABLE companion_files")
    con.commit()
    con.close()

    cat = open_catalog(paths.catalog)
    with cat.database.transaction() as c:
        assert read_version(c) == len(database.MIGRATIONS) + 1 >= 10
        tables = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"companion_files", "ix_companion_files_photo"} <= tables
    assert sorted(cat.live_ids(enc.model_key).tolist()) == [jpg_id, dng_id]  # nothing else moved
    backup = paths.catalog.with_name("catalog.sqlite3.v9.backup")
    assert backup.exists() and version_of(backup) == "9"

    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    report = Indexer(cat, store, enc, ThumbnailCache(paths.thumbnails)).run()
    assert report.paired == 1 and report.indexed == 0 and report.unchanged == 2
    assert cat.live_ids(enc.model_key).tolist() == [jpg_id]
    item = cat.photos([jpg_id])[0]
    assert item.files == (str(jpg), str(dng)) and cat.photo_by_path(str(dng)).id == jpg_id
    marks = cat.albums.marks([fp])[fp]
    assert (marks.favorite, marks.rating, marks.hidden) == (True, 5, True)
    assert [(m.fingerprint, m.photo_id) for m in cat.albums.members(album)] == [(fp, jpg_id)]
    with cat.database.transaction() as c:
        assert c.exec_driver_sql(
            "SELECT p.name, f.photo_id FROM faces f JOIN people p ON p.id = f.person_id"
        ).all() == [("Ada", jpg_id)]
    cat.close()
