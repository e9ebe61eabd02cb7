"""Tests for the per-photo pass state: the v1→v2 migration, to-do queries and counts."""

from __future__ import annotations

import sqlite3

import numpy as np

from photoalbum.core.passes import PassOutcome
from photoalbum.core.ports import FailedItem, FileInfo, IndexedItem, PhotoMeta
from photoalbum.persistence import open_catalog
from photoalbum.persistence.database import MIGRATIONS


def _item(path: str, root_id: int, fp: str) -> IndexedItem:
    vec = np.zeros(4, np.float32)
    vec[0] = 1
    return IndexedItem(FileInfo(path, 10, 1), root_id, fp, PhotoMeta(10, 10), vec)


def _v1_catalog_with_photos(path) -> list[int]:
    cat = open_catalog(path, migrations=())
    root = cat.add_root("/pics")
    ids = cat.commit_batch("m", [_item(f"/pics/{i}.jpg", root.id, f"fp{i}") for i in range(3)])
    cat.close()
    con = sqlite3.connect(path)  # make it a real schema-1 file: no pass_state table
    con.execute("DROP TABLE pass_state")
    con.commit()
    con.close()
    return ids


def test_v1_catalog_gains_pass_state_and_keeps_its_photos(paths) -> None:
    ids = _v1_catalog_with_photos(paths.catalog)
    cat = open_catalog(paths.catalog, migrations=MIGRATIONS[:1])  # this step only
    try:
        todo = cat.pass_state.pass_todo("text", 1)
        assert [t.photo_id for t in todo] == ids
        assert [t.path for t in todo] == ["/pics/0.jpg", "/pics/1.jpg", "/pics/2.jpg"]
        cat.pass_state.record_pass("text", 1, [PassOutcome(ids[0], "fp0", result=1)])
        assert cat.pass_state.pass_counts("text", 1).done == 1
    finally:
        cat.close()
    assert list(paths.catalog.parent.glob("*.v1.backup"))


def test_todo_counts_and_failures(paths) -> None:
    cat = open_catalog(paths.catalog)
    try:
        root = cat.add_root("/pics")
        ids = cat.commit_batch("m", [_item(f"/pics/{i}.jpg", root.id, f"fp{i}") for i in range(4)])
        ps = cat.pass_state
        ps.record_pass(
            "text",
            1,
            [PassOutcome(ids[0], "fp0"), PassOutcome(ids[1], "fp1", reason="cannot read")],
        )
        c = ps.pass_counts("text", 1)
        assert (c.done, c.failed, c.todo) == (1, 1, 2)
        assert c.failures == [("/pics/1.jpg", "cannot read")]
        assert [t.photo_id for t in ps.pass_todo("text", 1)] == ids[2:]
        assert [t.photo_id for t in ps.pass_todo("text", 1, after_id=ids[2])] == ids[3:]
        # a state for other content (stale fingerprint) or another version counts as to do
        ps.record_pass("text", 1, [PassOutcome(ids[2], "old-content")])
        assert ids[2] in [t.photo_id for t in ps.pass_todo("text", 1)]
        assert len(ps.pass_todo("text", 2)) == 4
        # a photo that failed to decode at index time is not live: not the pass's business
        cat.commit_batch(
            "m", [FailedItem(FileInfo("/pics/3.jpg", 10, 2), root.id, "broken", None, ids[3])]
        )
        assert ps.pass_counts("text", 1).todo == 1
        # forgetting a photo removes its state; recording for a vanished photo is a no-op
        cat.remove_root("/pics")
        ps.record_pass("text", 1, [PassOutcome(ids[0], "fp0")])
        with cat.database.transaction() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM pass_state").scalar() == 0
    finally:
        cat.close()
