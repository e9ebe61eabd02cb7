"""The text store: OCR lines per photo, the trigram full-text index, short-word fallback."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from photoalbum.core.passes import PassOutcome
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.core.text import TextLine
from photoalbum.persistence import open_catalog
from photoalbum.persistence.database import MIGRATIONS

BOX = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))


def _item(path: str, root_id: int, fp: str, model: str | None = None) -> IndexedItem:
    vec = np.zeros(4, np.float32)
    vec[0] = 1
    return IndexedItem(FileInfo(path, 10, 1), root_id, fp,
                       PhotoMeta(10, 10, camera_make=model), vec)


@pytest.fixture
def cat(paths):
    c = open_catalog(paths.catalog)
    root = c.add_root("/pics")
    names = ["receipt.jpg", "zh.jpg", "beach.jpg", "storefront/sign.jpg"]
    c.ids = c.commit_batch("m", [_item(f"/pics/{n}", root.id, f"fp{i}") for i, n in enumerate(names)])
    yield c
    c.close()


def _save(cat, pid, *texts):
    lines = [TextLine(t, 0.9, BOX) for t in texts]
    cat.text_store.save_text("text", 1, [PassOutcome(pid, None, result=lines)])


def test_lines_round_trip_and_state_is_recorded(cat):
    rec, zh, beach, _ = cat.ids
    _save(cat, rec, "Hardware Store Receipt", "Total 128")
    cat.text_store.save_text("text", 1, [PassOutcome(beach, "fp2", reason="cannot read")])
    assert [ln.text for ln in cat.text_store.text_lines(rec)] == ["Hardware Store Receipt", "Total 128"]
    assert cat.text_store.text_lines(rec)[0].box == BOX
    assert cat.text_store.text_lines(zh) == []
    counts = cat.pass_state.pass_counts("text", 1)
    assert counts.failed == 1 and counts.failures[0][1] == "cannot read"


def test_words_match_ocr_first_then_names(cat):
    rec, zh, beach, sign = cat.ids
    _save(cat, rec, "Hardware Store Receipt")
    _save(cat, zh, "五金店收据合计￥128")
    _save(cat, beach, "")  # read, nothing there
    ts = cat.text_store
    assert ts.match_words(["hardware", "store"], "m", 10) == {rec: 2.0, sign: 0.5}  # "storefront"
    assert ts.match_words(["收据"], "m", 10) == {zh: 2.0}  # two characters: no trigram
    assert ts.match_words(["五金店收据"], "m", 10) == {zh: 2.0}
    assert ts.match_words(["beach"], "m", 10) == {beach: 1.0}  # file name via the trigger
    assert ts.match_words(["receipt"], "m", 10) == {rec: 2.0}  # in both: counts as read
    assert ts.match_words(["receipt"], "other-model", 10) == {}  # only live photos of the model
    assert ts.match_words(['"; DROP TABLE photos; --'], "m", 10) == {}
    # replaced text replaces the index entry; forgetting the photos empties it
    _save(cat, rec, "Garden Centre")
    assert ts.match_words(["hardware"], "m", 10) == {}
    cat.remove_root("/pics")
    assert ts.match_words(["garden"], "m", 10) == {}
    with cat.database.transaction() as c:
        assert c.exec_driver_sql("SELECT COUNT(*) FROM text_fts").scalar() == 0


def test_renamed_photo_is_found_by_its_new_name(cat):
    rec = cat.ids[0]
    root = cat.roots()[0]
    cat.move_photo(rec, FileInfo("/pics/kitchen-invoice.jpg", 10, 1), root.id)
    assert cat.text_store.match_words(["invoice"], "m", 10) == {rec: 1.0}
    assert cat.text_store.match_words(["receipt"], "m", 10) == {}


def test_v2_catalog_gains_the_text_index_with_existing_names(paths):
    c = open_catalog(paths.catalog, migrations=MIGRATIONS[:1])  # a schema-2 file
    root = c.add_root("/pics")
    c.commit_batch("m", [_item("/pics/old-receipt.jpg", root.id, "fp")])
    c.close()
    con = sqlite3.connect(paths.catalog)
    for name in ("insert", "update", "delete"):
        con.execute(f"DROP TRIGGER photos_fts_{name}")
    for name in ("photo_text", "text_fts"):
        con.execute(f"DROP TABLE {name}")  # what a real schema-2 file lacks
    con.commit()
    con.close()
    c = open_catalog(paths.catalog)
    try:
        assert list(c.text_store.match_words(["receipt"], "m", 10).values()) == [1.0]
    finally:
        c.close()
