"""Tests for the Library facade: removing photos and folders, readers following a writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photoalbum.core import vectorstore
from photoalbum.core.paths import Paths
from photoalbum.library import MODEL_SETTING, Library
from tests.support.model_fixtures import TINY_SPEC, FakePreparer
from tests.support.photos import make_sample_photos, snapshot


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder)
    return folder


def test_remove_photos_forgets_them_for_good_and_never_touches_files(
    tiny_paths: Paths, photos: Path
) -> None:
    before = snapshot(photos)
    lib = Library(tiny_paths, model=TINY_SPEC)
    try:
        lib.index([str(photos)])
        ids = lib.live_vectors()[0].tolist()
        gone = ids[:2]
        gone_paths = {p.path for p in lib.catalog.photos(gone)}
        assert lib.remove_photos(gone + [10**9]) == 2
        assert lib.status().photos == len(ids) - 2
        assert not set(gone) & set(lib.store().ids().tolist())
        hits = lib.search(lib.parse("a photo"), k=50, cutoff=False).hits
        assert hits and not {h.photo.id for h in hits} & set(gone)
        report = lib.index()  # a rescan skips them
        assert report.new == 0 and report.indexed == 0
        assert not {p.path for p in lib.catalog.photos(lib.live_vectors()[0].tolist())} & gone_paths
    finally:
        lib.close()
    assert snapshot(photos) == before  # files untouched
    # The saved index already lacks them: a fresh process needs no repair.
    again = Library(tiny_paths, model=TINY_SPEC)
    try:
        assert not set(gone) & set(again.store().ids().tolist())
    finally:
        again.close()


def test_removing_never_prepares_a_model(paths: Paths, photos: Path) -> None:
    preparer = FakePreparer()
    lib = Library(paths, model=TINY_SPEC, preparer=preparer)
    try:
        lib.catalog.set_setting(MODEL_SETTING, TINY_SPEC)  # indexed once, model since deleted
        root = lib.add_roots([photos])[0]
        assert lib.remove_photos([1, 2]) == 0
        assert lib.remove_root(root.path) == 0
        assert preparer.calls == 0
        assert not any(paths.models.iterdir())
    finally:
        lib.close()


def test_a_reader_follows_the_writer_without_reloading_the_index(
    tiny_paths: Paths, photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Library(tiny_paths, model=TINY_SPEC)
    reader = Library(tiny_paths, model=TINY_SPEC)
    more = tmp_path / "more"
    make_sample_photos(more, ("camera", "moon", "coins"))
    try:
        writer.index([str(photos)])
        store = reader.store()
        assert len(store) == len(writer.store())
        opened: list[object] = []
        real_open = vectorstore.HnswStore.open
        monkeypatch.setattr(
            vectorstore.HnswStore, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k)
        )
        writer.index([str(more)])  # a new generation, saved to disk
        writer.remove_photos(writer.live_vectors()[0].tolist()[:1])
        assert reader.store() is store  # the same index, brought up to date from the catalog
        assert opened == []
        assert store.ids().tolist() == writer.live_vectors()[0].tolist()
        assert reader.search(reader.parse("coins"), k=20, cutoff=False).hits
    finally:
        writer.close()
        reader.close()
    assert os.path.isdir(photos)


def _break_index(lib: Library) -> Path:
    path = lib.vectors.index_path()
    saved = path.stat().st_mtime_ns
    with open(path, "r+b") as f:  # a bad block mid-file: the sidecar's CRC no longer matches
        f.seek(200)
        f.write(b"\xff" * 64)
    if path.stat().st_mtime_ns == saved:  # written within the file clock's tick of the save
        os.utime(path, ns=(saved, saved + 10**6))
    return path


def test_an_unchanged_index_run_does_not_read_the_saved_index_file(
    tiny_paths: Paths, photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        lib.index([str(photos)])
    path = lib.vectors.index_path()
    reads: list[Path] = []
    real_crc = vectorstore._file_crc
    monkeypatch.setattr(vectorstore, "_file_crc", lambda p: reads.append(p) or real_crc(p))
    mtime = path.stat().st_mtime_ns
    with Library(tiny_paths, model=TINY_SPEC) as writer:
        report = writer.index()
        assert report.indexed == 0 and report.unchanged > 0
    assert reads == [] and path.stat().st_mtime_ns == mtime  # neither read nor saved again
    with open(path, "r+b") as f:  # truncated after its save
        f.truncate(path.stat().st_size - 8)
    with Library(tiny_paths, model=TINY_SPEC) as writer:
        writer.index()
    assert path.stat().st_mtime_ns != mtime  # noticed (size) and saved again
    with Library(tiny_paths, model=TINY_SPEC) as again:  # the load checks the CRC
        assert len(again.store()) > 0 and again.store().saved_generation is not None
    assert reads


def test_a_broken_index_is_rebuilt_in_memory_by_a_reader_and_saved_by_a_writer(
    tiny_paths: Paths, photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library(tiny_paths, model=TINY_SPEC)
    try:
        lib.index([str(photos)])
        n = len(lib.store())
        path = _break_index(lib)
    finally:
        lib.close()
    broken = path.read_bytes()
    rebuilds: list[int] = []
    real_sync = vectorstore.HnswStore.open

    def counting_open(*a, **k):
        store = real_sync(*a, **k)
        if store.saved_generation is None:
            rebuilds.append(1)
        return store

    monkeypatch.setattr(vectorstore.HnswStore, "open", counting_open)
    reader = Library(tiny_paths, model=TINY_SPEC)
    try:  # a reader (no writer lock): rebuilt in memory, searchable, the file left alone
        assert len(reader.store()) == n
        assert reader.search(reader.parse("a photo"), k=5, cutoff=False).hits
    finally:
        reader.close()
    assert rebuilds == [1] and path.read_bytes() == broken
    (photos / "junk.jpg").write_bytes(b"not a picture")  # the run opens the store, adds nothing
    writer = Library(tiny_paths, model=TINY_SPEC)
    try:
        report = writer.index()
        assert report.failed == 1 and report.indexed == 0
    finally:
        writer.close()
    assert rebuilds == [1, 1] and path.read_bytes() != broken
    again = Library(tiny_paths, model=TINY_SPEC)
    try:  # the next process loads the saved index: no rebuild
        assert len(again.store()) == n
    finally:
        again.close()
    assert rebuilds == [1, 1]


def test_an_unchanged_index_run_saves_a_broken_index(
    tiny_paths: Paths, photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(tiny_paths, model=TINY_SPEC) as lib:
        lib.index([str(photos)])
        n = len(lib.store())
        path = _break_index(lib)
    broken = path.read_bytes()
    with Library(tiny_paths, model=TINY_SPEC) as writer:  # nothing changed: the store stays shut
        report = writer.index()
        assert report.indexed == 0 and report.failed == 0
    assert path.read_bytes() != broken
    rebuilds: list[int] = []
    real_open = vectorstore.HnswStore.open

    def counting_open(*a, **k):  # type: ignore[no-untyped-def]
        store = real_open(*a, **k)
        if store.saved_generation is None:
            rebuilds.append(1)
        return store

    monkeypatch.setattr(vectorstore.HnswStore, "open", counting_open)
    with Library(tiny_paths, model=TINY_SPEC) as again:  # loads the saved index: no rebuild
        assert len(again.store()) == n
    assert rebuilds == []
    with Library(tiny_paths, model=TINY_SPEC) as writer:  # a sound file is left as it is
        mtime = path.stat().st_mtime_ns
        writer.index()
    assert path.stat().st_mtime_ns == mtime


def test_a_library_is_a_context_manager_that_closes_even_on_an_error(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Library] = []
    real_close = Library.close
    monkeypatch.setattr(Library, "close", lambda self: closed.append(self) or real_close(self))
    with Library(paths) as lib:
        assert isinstance(lib, Library) and not closed
    assert closed == [lib]
    with pytest.raises(RuntimeError, match="boom"), Library(paths) as other:
        raise RuntimeError("boom")
    assert closed == [lib, other]


def test_front_ends_read_photos_folders_and_ids_through_the_library(
    tiny_paths: Paths, photos: Path
) -> None:
    from photoalbum.core.ports import PhotoFilter

    with Library(tiny_paths, model=TINY_SPEC) as lib:
        assert lib.roots() == []
        assert lib.store_info().to_json() == {
            "vector_store": "hnswlib",
            "kind": "hnswlib",
            "recorded": None,
        }  # nothing indexed: no counts
        lib.index([str(photos)])
        [root] = lib.roots()
        assert root.path == str(photos.resolve())
        live = lib.live_ids()
        assert live.tolist() == lib.live_vectors()[0].tolist() and len(live) == 6
        assert lib.filter_ids(PhotoFilter()).tolist() == live.tolist()
        assert lib.filter_ids(PhotoFilter(folders=(str(photos / "nowhere"),))).tolist() == []
        picked = [int(live[3]), int(live[0]), 10**9]
        got = lib.photos(picked)
        assert [p.id for p in got] == picked[:2]  # in the order asked, unknown ids left out
        assert lib.photo_by_path(got[0].path) == got[0]
        assert lib.photo_by_path(str(photos / "not-there.jpg")) is None
        info = lib.store_info()
        gen = lib.catalog.generation(lib.model_key)
        assert info.to_json() == {
            "vector_store": "hnswlib",
            "kind": "hnswlib",
            "recorded": None,
            "vectors": 6,
            "generation": gen,
            "catalog_generation": gen,
            "collection": None,
        }


def test_the_text_read_in_a_photo_is_read_through_the_library(paths: Paths) -> None:
    # The viewer asks the search worker, which asks the Library: without this method the
    # viewer showed no text and no highlights.
    import numpy as np

    from photoalbum.core.passes import PassOutcome
    from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta
    from photoalbum.core.text import TextLine

    box = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))
    with Library(paths) as lib:
        root = lib.catalog.add_root("/pics")
        item = IndexedItem(
            FileInfo("/pics/receipt.jpg", 10, 1),
            root.id,
            "fp",
            PhotoMeta(10, 10),
            np.ones(4, np.float32) / 2,
        )
        [pid] = lib.catalog.commit_batch("m", [item])
        lines = [TextLine("Hardware Store", 0.9, box), TextLine("Total 128", 0.8, box)]
        lib.catalog.text_store.save_text("text", 1, [PassOutcome(pid, None, result=lines)])
        assert [(ln.text, ln.box) for ln in lib.text_lines(pid)] == [
            ("Hardware Store", box),
            ("Total 128", box),
        ]
        assert lib.text_lines(pid + 1) == []
