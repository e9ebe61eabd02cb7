"""Date and place corrections in the catalog: the schema-9 step, content keys, the SQL rule."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import numpy as np
import pytest

from photoalbum.core.dates import DateCorrection
from photoalbum.core.places.ports import PlaceFix, StoredPlace
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoFilter, PhotoMeta
from photoalbum.persistence import database, open_catalog
from photoalbum.persistence.catalog import SqlCatalog
from photoalbum.persistence.corrections_schema import v10_add_corrections
from photoalbum.persistence.database import read_version
from tests.persistence.test_albums import _schema

MTIME = 1_600_000_000_123_456_789  # a file time with a fraction of a second


def item(path: str, seed: int, taken: datetime | None, offset: int | None = None) -> IndexedItem:
    v = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    meta = PhotoMeta(10, 10, taken_at=taken, taken_offset=offset)
    return IndexedItem(FileInfo(path, 1, MTIME), 1, f"fp{seed}", meta, v / np.linalg.norm(v))


@pytest.fixture
def cat(paths) -> SqlCatalog:
    c = open_catalog(paths.catalog)
    c.add_root("/pics")
    c.commit_batch(
        "m",
        [
            item("/pics/0.jpg", 0, datetime(2020, 1, 1, 10)),
            item("/pics/1.jpg", 1, datetime(2020, 1, 2, 10), offset=120),
            item("/pics/2.jpg", 2, None),  # no capture date: the file's time
        ],
    )
    yield c
    c.close()


def _shot_at(cat: SqlCatalog) -> dict[int, datetime]:
    with cat.database.transaction() as c:
        rows = c.exec_driver_sql("SELECT id, shot_at FROM photos").fetchall()
    return {int(i): datetime.fromisoformat(s) for i, s in rows}


CORRECTIONS = [
    DateCorrection(shift_minutes=7 * 60),
    DateCorrection(shift_minutes=-30),
    DateCorrection(shift_minutes=24 * 60, utc_offset=9 * 60),
    DateCorrection(set_to=datetime(2019, 5, 1, 14)),
    DateCorrection(set_to=datetime(2019, 5, 1, 14), utc_offset=-5 * 60),
    DateCorrection(utc_offset=9 * 60),
]


@pytest.mark.parametrize("fix", CORRECTIONS)
def test_the_sql_rule_is_the_python_rule(cat: SqlCatalog, fix: DateCorrection) -> None:
    before = {p.id: p.date for p in cat.photos([1, 2, 3])}
    cat.date_corrections.set({f"fp{i}": (fix, None) for i in range(3)})
    shot = _shot_at(cat)
    for p in cat.photos([1, 2, 3]):
        assert p.date == fix.apply(before[p.id]) and p.date.corrected
        assert shot[p.id] == p.date.value, (p.path, fix)
    # A zone change moves the time only where the file gives its own offset (photo 2, +02:00).
    if fix == DateCorrection(utc_offset=9 * 60):
        assert [shot[i] - before[i].value for i in (1, 2, 3)] == [
            timedelta(0),
            timedelta(hours=7),
            timedelta(0),
        ]


def test_a_set_date_is_not_approximate_and_clearing_restores_the_file_date(cat) -> None:
    [approx] = cat.photos([3])
    assert approx.date.approximate
    assert cat.filter_ids(PhotoFilter(no_capture_date=True), "m").tolist() == [3]
    cat.date_corrections.set({"fp2": (DateCorrection(set_to=datetime(2019, 5, 1)), "/pics/2.jpg")})
    [p] = cat.photos([3])
    assert p.date.value == datetime(2019, 5, 1) and not p.date.approximate
    assert cat.filter_ids(PhotoFilter(no_capture_date=True), "m").tolist() == []
    ids, dates, approximate = cat.albums.dated_arrays(None, None)
    assert ids.tolist()[-1] == 3 and not approximate[-1]
    assert cat.filter_ids(PhotoFilter(date_to=datetime(2019, 12, 31)), "m").tolist() == [3]
    cat.date_corrections.set({"fp2": (None, None)})
    assert cat.photos([3])[0].date == approx.date and _shot_at(cat)[3] == approx.date.value
    assert cat.date_corrections.corrections() == {}


def test_a_correction_survives_reindex_move_touch_and_a_copy(cat) -> None:
    fix = DateCorrection(shift_minutes=60)
    cat.date_corrections.set({"fp0": (fix, "/pics/0.jpg")})
    want = datetime(2020, 1, 1, 11)
    cat.commit_batch("m", [item("/pics/0.jpg", 0, datetime(2020, 1, 1, 10))])  # re-index
    assert _shot_at(cat)[1] == want and cat.photos([1])[0].date.value == want
    cat.move_photo(1, FileInfo("/pics/moved.jpg", 1, MTIME + 10), 1)
    cat.touch_photo(1, FileInfo("/pics/moved.jpg", 1, MTIME + 20))
    assert _shot_at(cat)[1] == want
    cat.commit_batch("m2", [item("/pics/0.jpg", 0, datetime(2020, 1, 1, 10))])  # another model
    assert _shot_at(cat)[1] == want
    cat.commit_batch("m", [item("/pics/copy.jpg", 0, datetime(2020, 1, 1, 10))])  # same content
    [copy] = [p for p in cat.photos(list(range(1, 10))) if p.path == "/pics/copy.jpg"]
    assert copy.date.value == want and _shot_at(cat)[copy.id] == want
    # New content at the path: the correction was the old content's.
    cat.commit_batch("m", [item("/pics/moved.jpg", 9, datetime(2020, 1, 1, 10))])
    assert _shot_at(cat)[1] == datetime(2020, 1, 1, 10)
    assert cat.date_corrections.corrections() == {"fp0": fix}


def test_place_fixes_are_kept_by_content_with_their_places(cat) -> None:
    place = StoredPlace(1, 1, "JP.22", "JP", ("Kyoto", "京都"))
    fix = PlaceFix(35.0, 135.7, 1857910, "Kyoto")
    cat.places.set_fixes({"fp0": (fix, "/pics/0.jpg")}, {1: place})
    assert cat.places.place_of(1) == place
    assert cat.places.fixes() == {"fp0": fix}
    assert cat.places.place_fixes([1, 2]) == {1: fix}
    cat.places.set_fixes({"fp0": (None, None)}, {1: None})
    assert cat.places.place_of(1) is None and cat.places.fixes() == {}


def test_a_schema_8_catalog_gets_the_correction_tables(paths, tmp_path) -> None:
    before = database.MIGRATIONS[: database.MIGRATIONS.index(v10_add_corrections)]
    cat = open_catalog(paths.catalog, migrations=before)
    cat.add_root("/pics")
    cat.commit_batch("m", [item("/pics/a.jpg", 0, datetime(2020, 1, 1))])
    cat.close()
    con = sqlite3.connect(paths.catalog)  # a catalog from before corrections
    for t in ("photos_date_correction_insert", "photos_date_correction_update"):
        con.execute(f"DROP TRIGGER {t}")
    con.execute("DROP TABLE date_corrections")
    con.execute("DROP TABLE place_corrections")
    con.commit()
    con.close()
    cat = open_catalog(paths.catalog)
    try:
        with cat.database.transaction() as c:
            assert read_version(c) == database.MIGRATIONS.index(v10_add_corrections) + 2
            names = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert {"date_corrections", "place_corrections", "photos_date_correction_update"} <= names
        cat.date_corrections.set({"fp0": (DateCorrection(shift_minutes=60), None)})
        assert cat.photos([1])[0].date.value == datetime(2020, 1, 1, 1)
    finally:
        cat.close()
    fresh = tmp_path / "fresh.sqlite3"
    open_catalog(fresh).close()
    assert _schema(paths.catalog) == _schema(fresh)
