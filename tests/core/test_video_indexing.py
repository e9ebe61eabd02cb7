"""Videos in the indexing pipeline and in search: one item, found by any of its moments."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoalbum.core.indexer import Indexer
from photoalbum.core.ports import MOMENT_LABEL_BASE, PhotoStatus
from photoalbum.core.query import Query, Term
from photoalbum.core.search import Searcher
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from tests.support.fakes import FakeImageEncoder, FakeTextEncoder
from tests.support.photos import snapshot
from tests.support.videos import make_audio_only, make_video, solid

RED, GREEN, BLUE, YELLOW = (200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)
PURPLE, CYAN = (140, 30, 160), (30, 170, 170)


@pytest.fixture
def lib(paths, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    catalog = open_catalog(paths.catalog)
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    catalog.add_root(str(folder))

    def index():
        return Indexer(catalog, store, enc, ThumbnailCache(paths.thumbnails), batch_size=4).run()

    def search(picture: np.ndarray, k: int = 5):
        still = tmp_path / "still.png"
        Image.fromarray(picture).save(still)
        searcher = Searcher(catalog, store, enc.model_key, FakeTextEncoder, lambda: enc)
        return searcher.search(Query((Term(1.0, image_path=str(still)),)), k=k, cutoff=False)

    yield type(
        "Lib",
        (),
        dict(folder=folder, catalog=catalog, store=store, enc=enc, index=index, search=search),
    )
    catalog.close()


def test_a_video_is_found_by_a_still_of_its_second_scene(lib):
    make_video(lib.folder / "trip.mp4", [(solid(RED), 2), (solid(GREEN), 3), (solid(BLUE), 2)])
    make_video(lib.folder / "other.mov", [(solid(YELLOW), 2), (solid(PURPLE), 2)])
    Image.fromarray(solid(CYAN)).save(lib.folder / "photo.png")
    before = snapshot(lib.folder)
    report = lib.index()
    assert report.indexed == 3 and report.failed == 0, report.failures
    # 3 items; trip has moments at 0, 2, 5 s and other at 0, 2 s: 3 more labels.
    assert len(lib.store) == 6
    assert len(lib.catalog.live_ids(lib.enc.model_key)) == 3
    assert (lib.store.ids() >= MOMENT_LABEL_BASE).sum() == 3

    hits = lib.search(solid(GREEN)).hits
    assert hits[0].photo.path.endswith("trip.mp4")
    assert hits[0].photo.is_video and hits[0].moment_s == pytest.approx(2.0)
    assert [h.photo.path for h in hits].count(hits[0].photo.path) == 1  # once per video
    top_photo = lib.search(solid(CYAN)).hits[0]
    assert top_photo.photo.media == "photo" and top_photo.moment_s is None
    assert lib.search(solid(RED)).hits[0].moment_s == 0.0  # the first moment: the item's label

    video = lib.catalog.photo_by_path(str(lib.folder / "trip.mp4"))
    assert video.meta.duration_s == pytest.approx(7.0, abs=0.2)
    assert lib.catalog.moments_of(video.id, lib.enc.model_key) == [0.0, 2.0, 5.0]
    counts = lib.catalog.status_counts(lib.enc.model_key)
    assert (counts.photos, counts.videos, counts.indexed) == (3, 2, 3)
    assert snapshot(lib.folder) == before


def test_a_filter_keeps_or_drops_a_video_with_all_its_moments(lib):
    from photoalbum.core.ports import PhotoFilter

    sub = lib.folder / "sub"
    sub.mkdir()
    make_video(sub / "a.mp4", [(solid(RED), 2), (solid(GREEN), 2)])
    make_video(lib.folder / "b.mp4", [(solid(BLUE), 2), (solid(YELLOW), 2)])
    lib.index()
    searcher = Searcher(lib.catalog, lib.store, lib.enc.model_key, FakeTextEncoder, lambda: lib.enc)
    still = lib.folder.parent / "q.png"
    Image.fromarray(solid(GREEN)).save(still)
    q = Query((Term(1.0, image_path=str(still)),))
    in_root = searcher.search(q, k=5, flt=PhotoFilter(folders=(str(lib.folder),)), cutoff=False)
    assert in_root.hits[0].photo.path.endswith("a.mp4")  # a/ is under the root too
    b = lib.catalog.photo_by_path(str(lib.folder / "b.mp4"))
    no_b = searcher.search(q, k=5, flt=PhotoFilter(ids=(b.id,)), cutoff=False)
    assert [h.photo.id for h in no_b.hits] == [b.id]
    excluded = searcher.search(q, k=5, cutoff=False, exclude_ids=[in_root.hits[0].photo.id])
    assert [h.photo.path for h in excluded.hits] == [str(lib.folder / "b.mp4")]


def test_bad_videos_are_recorded_and_nothing_crashes(lib):
    (lib.folder / "empty.mp4").write_bytes(b"")
    make_audio_only(lib.folder / "voice.mp4")
    good = make_video(lib.folder / "good.mp4", [(solid(RED), 2), (solid(GREEN), 2)])
    (lib.folder / "cut.mp4").write_bytes(good.read_bytes()[:700])  # no moov atom
    make_video(
        lib.folder / "long.mkv",
        [(solid(c, (32, 32)), 2.5 * 3600) for c in (RED, GREEN, BLUE, YELLOW)],
        fps=1 / 60,
    )
    before = snapshot(lib.folder)
    report = lib.index()
    reasons = {Path(p).name: r for p, r in report.failures}
    assert reasons == {
        "empty.mp4": "empty file",
        "voice.mp4": "no video stream (audio only)",
        "cut.mp4": reasons["cut.mp4"],
    }
    assert reasons["cut.mp4"].startswith("truncated or corrupt")
    assert report.indexed == 2
    long = lib.catalog.photo_by_path(str(lib.folder / "long.mkv"))
    assert long.status == PhotoStatus.INDEXED and long.is_video
    assert len(lib.catalog.moments_of(long.id, lib.enc.model_key)) == 60  # capped
    counts = lib.catalog.status_counts(lib.enc.model_key)
    assert (counts.photos, counts.videos, counts.failed) == (5, 5, 3)
    assert snapshot(lib.folder) == before


def test_changed_and_deleted_videos_leave_no_stale_moments(lib, paths):
    path = make_video(lib.folder / "v.mp4", [(solid(RED), 2), (solid(GREEN), 2), (solid(BLUE), 2)])
    lib.index()
    assert len(lib.store) == 3
    make_video(path, [(solid(YELLOW), 2), (solid(PURPLE), 2)])  # edited: new content
    lib.index()
    assert len(lib.store) == 2
    assert lib.search(solid(PURPLE)).hits[0].moment_s == pytest.approx(2.0)
    labels = lib.catalog.live_labels(lib.enc.model_key)
    assert np.array_equal(np.sort(lib.store.ids()), labels)
    # a copy reuses the moments (no decode); then the original goes
    shutil.copy2(path, lib.folder / "copy.mp4")
    report = lib.index()
    assert report.copied == 1 and len(lib.store) == 4
    path.unlink()
    report = lib.index()
    assert report.gone == 1 and len(lib.store) == 2
    hits = lib.search(solid(PURPLE)).hits
    assert [h.photo.path for h in hits] == [str(lib.folder / "copy.mp4")]
    assert hits[0].moment_s == pytest.approx(2.0)
    # a rebuilt index holds the same labels
    fresh = HnswStore.open(paths.index_dir / "rebuilt.hnsw", lib.enc.dim)
    sync_store(lib.catalog, fresh, lib.enc.model_key)
    assert np.array_equal(np.sort(fresh.ids()), np.sort(lib.store.ids()))
