"""The text store: OCR lines per photo, read by keyword search with names and camera."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from photoalbum.core.passes import PassOutcome
from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
from photoalbum.core.text import TextLine
from photoalbum.core.text.keyword_index import KeywordIndex
from photoalbum.persistence import open_catalog
from photoalbum.persistence.database import MIGRATIONS

BOX = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))


def _item(path: str, root_id: int, fp: str, model: str | None = None) -> IndexedItem:
    vec = np.zeros(4, np.float32)
    vec[0] = 1
    return IndexedItem(
        FileInfo(path, 10, 1), root_id, fp, PhotoMeta(10, 10, camera_make=model), vec
    )


@pytest.fixture
def cat(paths):
    c = open_catalog(paths.catalog)
    root = c.add_root("/pics")
    names = ["receipt.jpg", "zh.jpg", "beach.jpg", "storefront/sign.jpg"]
    c.ids = c.commit_batch(
        "m", [_item(f"/pics/{n}", root.id, f"fp{i}") for i, n in enumerate(names)]
    )
    yield c
    c.close()


def _match(cat, words, model="m"):
    """What keyword search finds, built from the catalog the way the searcher builds it."""
    return KeywordIndex(*cat.keyword_texts(model)).match(words, 10)


def _save(cat, pid, *texts):
    lines = [TextLine(t, 0.9, BOX) for t in texts]
    cat.text_store.save_text("text", 1, [PassOutcome(pid, None, result=lines)])


def test_lines_round_trip_and_state_is_recorded(cat):
    rec, zh, beach, _ = cat.ids
    _save(cat, rec, "Hardware Store Receipt", "Total 128")
    cat.text_store.save_text("text", 1, [PassOutcome(beach, "fp2", reason="cannot read")])
    assert [ln.text for ln in cat.text_store.text_lines(rec)] == [
        "Hardware Store Receipt",
        "Total 128",
    ]
    assert cat.text_store.text_lines(rec)[0].box == BOX
    assert cat.text_store.text_lines(zh) == []
    counts = cat.pass_state.pass_counts("text", 1)
    assert counts.failed == 1 and counts.failures[0][1] == "cannot read"


def test_words_match_ocr_first_then_names(cat):
    rec, zh, beach, sign = cat.ids
    _save(cat, rec, "Hardware Store Receipt")
    _save(cat, zh, "五金店收据合计￥128")
    _save(cat, beach, "")  # read, nothing there
    assert _match(cat, ["hardware", "store"]) == {rec: 2.0, sign: 0.5}  # "storefront"
    assert _match(cat, ["收据"]) == {zh: 2.0}  # two characters
    assert _match(cat, ["五金店收据"]) == {zh: 2.0}
    assert _match(cat, ["¥128"]) == {zh: 2.0}  # full-width ￥ read, half-width typed
    assert _match(cat, ["beach"]) == {beach: 1.0}  # file name
    assert _match(cat, ["receipt"]) == {rec: 2.0}  # in both: counts as read
    assert _match(cat, ["receipt"], "other-model") == {}  # only live photos of the model
    assert _match(cat, ['"; DROP TABLE photos; --']) == {}
    # replaced text replaces what is found; forgetting the photos empties it
    before = cat.keyword_revision()
    _save(cat, rec, "Garden Centre")
    assert cat.keyword_revision() > before  # a searcher rebuilds its index
    assert _match(cat, ["hardware"]) == {}
    cat.remove_root("/pics")
    assert _match(cat, ["garden"]) == {}


def test_renamed_photo_is_found_by_its_new_name(cat):
    rec = cat.ids[0]
    root = cat.roots()[0]
    before = cat.keyword_revision()
    cat.move_photo(rec, FileInfo("/pics/kitchen-invoice.jpg", 10, 1), root.id)
    assert cat.keyword_revision() > before
    assert _match(cat, ["invoice"]) == {rec: 1.0}
    assert _match(cat, ["receipt"]) == {}


def test_v2_catalog_gains_the_text_tables_with_existing_names(paths):
    c = open_catalog(paths.catalog, migrations=MIGRATIONS[:1])  # a schema-2 file
    root = c.add_root("/pics")
    [pid] = c.commit_batch("m", [_item("/pics/old-receipt.jpg", root.id, "fp")])
    c.close()
    con = sqlite3.connect(paths.catalog)
    for (trigger,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        con.execute(f"DROP TRIGGER {trigger}")
    for name in ("photo_text", "keyword_revision"):
        con.execute(f"DROP TABLE {name}")  # what a real schema-2 file lacks
    con.commit()
    con.close()
    c = open_catalog(paths.catalog)  # 2 → 3 adds the text tables, 5 → 6 the revision
    try:
        assert _match(c, ["receipt"]) == {pid: 1.0}
        revision = c.keyword_revision()
        _save(c, pid, "Receipt")
        assert c.keyword_revision() > revision and _match(c, ["receipt"]) == {pid: 2.0}
        with c.database.transaction() as t:
            names = {r[0] for r in t.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "text_fts" not in names and not any("fts" in n for n in names)
    finally:
        c.close()


def test_a_videos_lines_keep_their_moment_and_are_found_by_it(cat):
    rec, zh, *_ = cat.ids
    with cat.database.transaction(write=True) as c:
        c.exec_driver_sql("UPDATE photos SET media = 'video' WHERE id = ?", (zh,))
    _save(cat, rec, "Lighthouse Cafe")  # a photo: lines without a moment
    video_lines = [TextLine("Harbour", 0.9, BOX, 0.0), TextLine("LIGHTHOUSE", 0.8, BOX, 2.5)]
    cat.text_store.save_text("text", 2, [PassOutcome(zh, None, result=video_lines)])
    assert cat.text_store.text_lines(zh) == video_lines
    assert cat.text_store.text_lines(rec)[0].time_s is None
    assert cat.text_moments([rec, zh, 999]) == {zh: [(0.0, "harbour"), (2.5, "lighthouse")]}
    assert cat.text_moments([]) == {}
    assert set(_match(cat, ["lighthouse"])) == {rec, zh}  # the video's text is keyword text
