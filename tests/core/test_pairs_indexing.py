"""Tests for items with several files: RAW+JPEG pairs and Live Photos through the indexer."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from photoalbum.core.indexer import Indexer
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from tests.support.fakes import FakeImageEncoder
from tests.support.pairs import local, movie, raw, still
from tests.support.photos import snapshot

pytest.importorskip("rawpy")
pytest.importorskip("pidng")

SHOT = datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def env(paths, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    catalog = open_catalog(paths.catalog)
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    root = catalog.add_root(str(photos))

    def run():
        return Indexer(catalog, store, enc, ThumbnailCache(paths.thumbnails), batch_size=4).run()

    def live():
        ids = catalog.live_ids(enc.model_key).tolist()
        sync_store(catalog, store, enc.model_key)  # what a reader does
        assert sorted(store.ids().tolist()) == sorted(ids)
        return {p.path: p for p in catalog.photos(ids)}

    yield type(
        "Env",
        (),
        dict(photos=photos, catalog=catalog, store=store, enc=enc, root=root, run=run, live=live),
    )
    catalog.close()


def _pair(folder: Path, stem: str, seed: int, *, raw_stem: str | None = None, hours: float = 0):
    jpg = still(folder / f"{stem}.JPG", local(SHOT), seed=seed)
    dng = raw(folder / f"{raw_stem or stem}.dng", local(SHOT + timedelta(hours=hours)), seed=seed)
    return jpg, dng


def test_raw_and_jpeg_of_one_shot_are_one_item_and_a_counter_repeat_is_two(env):
    jpg, dng = _pair(env.photos, "IMG_0001", 1, raw_stem="img_0001")  # stems differ in case
    later_jpg, later_dng = _pair(env.photos, "IMG_0002", 2, hours=3)  # the counter came round
    before = snapshot(env.photos)
    report = env.run()
    assert report.failed == 0, report.failures
    assert report.paired == 1 and report.indexed == 3  # the paired RAW is not indexed
    live = env.live()
    assert set(live) == {str(jpg), str(later_jpg), str(later_dng)}
    item = live[str(jpg)]
    assert item.files == (str(jpg), str(dng))
    assert [(c.role, c.size) for c in item.companions] == [("raw", dng.stat().st_size)]
    assert item.meta is not None and item.meta.taken_at == local(SHOT)  # the face's metadata
    # the RAW names its item; the lone RAW is its own item without companions
    assert env.catalog.photo_by_path(str(dng)).id == item.id
    assert live[str(later_dng)].companions == ()
    assert snapshot(env.photos) == before  # never written to

    again = env.run()  # an unchanged rescan: nothing moves
    assert again.unchanged == 4 and again.paired == again.indexed == again.new == 0
    assert set(env.live()) == set(live)


def test_deleting_the_jpeg_makes_the_raw_an_item_and_deleting_the_raw_leaves_the_jpeg(env):
    jpg, dng = _pair(env.photos, "IMG_0001", 1)
    jpg2, dng2 = _pair(env.photos, "IMG_0002", 2)
    env.run()
    items = env.live()
    assert set(items) == {str(jpg), str(jpg2)}
    jpg.unlink()
    dng2.unlink()
    report = env.run()
    assert report.gone == 1 and report.indexed == 1 and report.failed == 0
    live = env.live()
    assert set(live) == {str(dng), str(jpg2)}
    assert live[str(dng)].companions == () and live[str(jpg2)].companions == ()
    assert live[str(jpg2)].id == items[str(jpg2)].id  # the item stays, without its RAW
    assert env.catalog.photo_by_path(str(dng2)) is None
    # the JPEG comes back: the RAW (now an item of its own) is its companion again
    still(jpg, local(SHOT), seed=1)
    report = env.run()
    live = env.live()
    assert set(live) == {str(jpg), str(jpg2)} and report.paired == 1
    assert live[str(jpg)].files == (str(jpg), str(dng))


def test_a_raw_already_catalogued_is_absorbed_when_its_jpeg_comes(env):
    dng = raw(env.photos / "DSC_7.NEF", local(SHOT), seed=3)
    # a NEF is TIFF inside: the DNG bytes stand in for one
    env.run()
    assert set(env.live()) == {str(dng)}
    jpg = still(env.photos / "DSC_7.JPG", local(SHOT + timedelta(seconds=1)), seed=3)
    report = env.run()
    assert report.paired == 1
    live = env.live()
    assert set(live) == {str(jpg)} and live[str(jpg)].files == (str(jpg), str(dng))


def test_the_users_marks_follow_the_item_through_moves_and_companion_changes(env):
    jpg, dng = _pair(env.photos, "IMG_0001", 1)
    env.run()
    item = env.live()[str(jpg)]
    albums = env.catalog.albums
    album = albums.create("Trip", "trip")
    albums.add(album, [(item.fingerprint, item.path)])
    albums.set_marks([(item.fingerprint, item.path)], favorite=True, rating=4, hidden=True)
    # both files move to another folder: the same item, its RAW at the new place
    moved = env.photos / "2024"
    moved.mkdir()
    new_jpg, new_dng = moved / jpg.name, moved / dng.name
    shutil.move(jpg, new_jpg)
    shutil.move(dng, new_dng)
    report = env.run()
    assert report.moved == 1 and report.paired == 1 and report.indexed == 0
    live = env.live()
    assert set(live) == {str(new_jpg)} and live[str(new_jpg)].id == item.id
    assert live[str(new_jpg)].files == (str(new_jpg), str(new_dng))
    # the RAW is edited (a new size): it is paired again, the item is untouched
    with open(new_dng, "ab") as f:
        f.write(b"\x00" * 16)
    report = env.run()
    assert report.paired == 1 and report.indexed == 0
    again = env.live()[str(new_jpg)]
    assert again.id == item.id and again.companions[0].size == new_dng.stat().st_size
    marks = albums.marks([item.fingerprint])[item.fingerprint]
    assert (marks.favorite, marks.rating, marks.hidden) == (True, 4, True)
    assert [(m.fingerprint, m.present) for m in albums.members(album)] == [(item.fingerprint, True)]


def test_removing_an_item_from_the_library_keeps_its_raw_out_too(env):
    jpg, dng = _pair(env.photos, "IMG_0001", 1)
    env.run()
    item = env.live()[str(jpg)]
    assert env.catalog.remove_photos([item.id]) == 1
    report = env.run()
    assert report.new == report.indexed == report.paired == 0 and env.live() == {}


def test_a_live_photo_is_one_photo_with_its_motion(env, monkeypatch):
    pytest.importorskip("av")
    pytest.importorskip("pillow_heif")
    import time

    monkeypatch.setenv("TZ", "IST-05:30")  # the movie's UTC time must meet the still's clock
    time.tzset()
    try:
        heic = still(env.photos / "IMG_4001.HEIC", local(SHOT), seed=5)
        mov = movie(env.photos / "IMG_4001.MOV", SHOT + timedelta(seconds=1))
        # Apple's identifiers pair a still and a movie whatever their times say
        tagged = still(env.photos / "IMG_4002.JPG", local(SHOT), seed=6, content_id="LIVE-2")
        tagged_mov = movie(
            env.photos / "IMG_4002.MOV", SHOT + timedelta(hours=1), content_id="LIVE-2"
        )
        # … and keep apart a still and a movie that are not one Live Photo
        other = still(env.photos / "IMG_4003.JPG", local(SHOT), seed=7, content_id="LIVE-3")
        other_mov = movie(env.photos / "IMG_4003.MOV", SHOT, content_id="SOMETHING-ELSE")
        report = env.run()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert report.failed == 0, report.failures
    assert report.paired == 2
    live = env.live()
    assert set(live) == {str(heic), str(tagged), str(other), str(other_mov)}
    assert [(c.path, c.role) for c in live[str(heic)].companions] == [(str(mov), "motion")]
    assert live[str(tagged)].files == (str(tagged), str(tagged_mov))
    assert not live[str(heic)].is_video and live[str(other_mov)].is_video
    counts = env.catalog.status_counts(env.enc.model_key)
    assert counts.photos == 4 and counts.videos == 1  # the motions are not video items
    # the movie goes: just a photo
    mov.unlink()
    env.run()
    assert env.live()[str(heic)].companions == ()


def test_unchanged_pairs_and_live_photos_are_not_opened_on_rescan(env, monkeypatch):
    pytest.importorskip("av")
    import builtins

    import av
    import rawpy

    _pair(env.photos, "IMG_0001", 1)
    _pair(env.photos, "IMG_0002", 2, hours=3)  # unpaired: checked again from the catalog only
    still(env.photos / "IMG_4001.JPG", local(SHOT), seed=5)
    movie(env.photos / "IMG_4001.MOV", SHOT)
    env.run()
    photo_dir = str(env.photos)
    real_open, real_os_open = builtins.open, os.open

    def guard(real):
        def opener(file, *a, **k):
            if str(file).startswith(photo_dir):
                raise AssertionError(f"rescan opened {file}")
            return real(file, *a, **k)

        return opener

    def refuse(source, *a, **k):
        raise AssertionError(f"rescan opened {source}")

    monkeypatch.setattr(builtins, "open", guard(real_open))
    monkeypatch.setattr(os, "open", guard(real_os_open))
    monkeypatch.setattr(rawpy, "imread", refuse)
    monkeypatch.setattr(av, "open", refuse)
    again = env.run()
    monkeypatch.undo()
    assert again.unchanged == 6 and again.indexed == again.new == again.paired == 0
    assert len(env.live()) == 4


def test_a_movie_indexed_as_a_video_becomes_the_motion_of_its_still(env):
    pytest.importorskip("av")
    mov = movie(env.photos / "IMG_4001.MOV", SHOT, seconds=2)
    env.run()
    live = env.live()
    assert set(live) == {str(mov)} and live[str(mov)].is_video
    # its still comes (copied from the phone later): the video is absorbed, its moments too
    heic = still(env.photos / "IMG_4001.JPG", local(SHOT), seed=5)
    report = env.run()
    assert report.paired == 1 and report.indexed == 1
    live = env.live()  # also checks the vector index holds exactly the live labels
    assert set(live) == {str(heic)} and live[str(heic)].files == (str(heic), str(mov))
    assert env.catalog.status_counts(env.enc.model_key).videos == 0
    assert env.catalog.moment_map(env.enc.model_key)[0].size == 0


def test_a_face_that_breaks_frees_its_raw_until_it_is_fixed(env):
    jpg, dng = _pair(env.photos, "IMG_0001", 1)
    env.run()
    item = env.live()[str(jpg)]
    jpg.write_bytes(b"\xff\xd8\xff garbage")  # the JPEG is damaged (an edit gone wrong)
    report = env.run()
    assert report.failed == 1 and report.indexed == 1
    live = env.live()
    assert set(live) == {str(dng)} and live[str(dng)].companions == ()  # the RAW still shows
    assert env.catalog.photos([item.id])[0].companions == ()
    again = env.run()  # while it stays broken, nothing moves
    assert again.paired == again.indexed == again.failed == 0 and set(env.live()) == {str(dng)}
    still(jpg, local(SHOT), seed=1)  # fixed: the pair is one item again, with its id
    report = env.run()
    assert report.paired == 1
    live = env.live()
    assert set(live) == {str(jpg)} and live[str(jpg)].files == (str(jpg), str(dng))
    assert live[str(jpg)].id == item.id
