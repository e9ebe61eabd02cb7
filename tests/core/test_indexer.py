"""Tests for the indexing pipeline on real catalog + vector store with a fake encoder."""

from __future__ import annotations

import builtins
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core import indexer as indexer_mod
from photoalbum.core.indexer import Indexer, IndexProgress
from photoalbum.core.ports import PhotoStatus
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from tests.support.fakes import FakeImageEncoder
from tests.support.photos import make_sample_photos, snapshot


@pytest.fixture
def env(paths, tmp_path):
    photos = tmp_path / "photos"
    files = make_sample_photos(photos)
    catalog = open_catalog(paths.catalog)
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    root = catalog.add_root(str(photos))

    def make(**kw):
        return Indexer(catalog, store, enc, ThumbnailCache(paths.thumbnails), batch_size=4, **kw)

    yield type(
        "Env",
        (),
        dict(
            photos=photos,
            files=files,
            catalog=catalog,
            store=store,
            enc=enc,
            root=root,
            make=make,
            paths=paths,
        ),
    )
    catalog.close()


def vector_of(env, photo_id):
    return env.store.get(np.asarray([photo_id]))[0]


def _add_raw_and_mpo(folder: Path) -> list[Path]:
    """A DNG with a preview, one without, and a two-picture MPO, next to the sample photos."""
    from PIL import Image

    from tests.support.raw_files import dng_bytes, preview_jpeg, with_preview

    folder.mkdir(parents=True, exist_ok=True)
    made = [folder / "raw" / "IMG_0001.DNG", folder / "raw" / "plain.dng", folder / "3d.mpo"]
    made[0].parent.mkdir(exist_ok=True)
    made[0].write_bytes(with_preview(dng_bytes(640, 480), preview_jpeg(600, 400)))
    made[1].write_bytes(dng_bytes(640, 480, seed=2))
    left, right = Image.new("RGB", (300, 200), "red"), Image.new("RGB", (300, 200), "blue")
    left.save(made[2], format="MPO", save_all=True, append_images=[right])
    return made


def _add_videos(folder: Path) -> list[Path]:
    """Two short videos (MP4 and WebM) of two scenes each, next to the sample photos."""
    from tests.support.videos import make_video, solid

    red, blue = solid((200, 30, 30)), solid((30, 30, 200))
    return [
        make_video(folder / "clip.mp4", [(red, 1), (blue, 1)]),
        make_video(folder / "clip.webm", [(blue, 1), (red, 1)], codec="libvpx"),
    ]


@pytest.mark.parametrize(
    ("with_raw", "with_videos"),
    [(False, False), (True, False), (False, True)],
    ids=["photos", "photos+raw+mpo", "photos+videos"],
)
def test_index_then_unchanged_rescan_reads_nothing(env, monkeypatch, with_raw, with_videos):
    from tests.support.pairs import local, movie, raw, still

    files = list(env.files)
    companions: list[Path] = []  # files of an item besides its face: not indexed themselves
    shot = datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc)
    if with_raw:
        pytest.importorskip("rawpy")
        pytest.importorskip("pidng")
        files += _add_raw_and_mpo(env.photos)
        files.append(still(env.photos / "raw" / "IMG_0002.JPG", local(shot), seed=11))
        companions.append(raw(env.photos / "raw" / "IMG_0002.DNG", local(shot), seed=11))
    if with_videos:
        files += _add_videos(env.photos)
        files.append(still(env.photos / "IMG_5001.JPG", local(shot), seed=12))
        companions.append(movie(env.photos / "IMG_5001.MOV", shot))
    before = snapshot(env.photos)
    report = env.make().run()
    assert report.indexed == len(files) and report.failed == 0, report.failures
    assert report.paired == len(companions)
    assert len(env.store) == len(files) + (2 if with_videos else 0)  # + the second moments
    counts = env.catalog.status_counts(env.enc.model_key)
    assert counts.indexed == len(files)
    # thumbnails exist for every photo
    photos = env.catalog.photos(env.catalog.live_ids(env.enc.model_key).tolist())
    assert all(ThumbnailCache(env.paths.thumbnails).has(p.fingerprint) for p in photos)

    photo_dir = str(env.photos)
    real_open, real_os_open = builtins.open, os.open

    def guard_open(file, *a, **k):
        if str(file).startswith(photo_dir):
            raise AssertionError(f"rescan opened {file}")
        return real_open(file, *a, **k)

    def guard_os_open(path, *a, **k):
        if str(path).startswith(photo_dir):
            raise AssertionError(f"rescan opened {path}")
        return real_os_open(path, *a, **k)

    monkeypatch.setattr(builtins, "open", guard_open)
    monkeypatch.setattr(os, "open", guard_os_open)
    if with_raw:  # LibRaw opens files in C, past the guards above: guard its entry point too
        import rawpy

        def guard_imread(source, *a, **k):
            raise AssertionError(f"rescan opened {source} with LibRaw")

        monkeypatch.setattr(rawpy, "imread", guard_imread)
    if with_videos:  # FFmpeg could open a path in C: guard PyAV's entry point too
        import av

        def guard_av_open(source, *a, **k):
            raise AssertionError(f"rescan opened {source} with PyAV")

        monkeypatch.setattr(av, "open", guard_av_open)
    again = env.make().run()
    monkeypatch.undo()
    assert again.unchanged == len(files) + len(companions)
    assert again.indexed == again.new == again.changed == again.paired == 0
    assert snapshot(env.photos) == before  # never written to


def test_moved_and_copied_photos_keep_their_embedding(env, monkeypatch):
    env.make().run()
    src = env.files[0]
    old = env.catalog.photo_by_path(str(src))
    old_vec = vector_of(env, old.id).copy()
    sub = env.photos / "moved here"
    sub.mkdir()
    moved = sub / "renamed.jpg"
    shutil.move(src, moved)
    copy = env.photos / "copy of coffee.jpg"
    shutil.copy2(env.files[1], copy)

    def no_decode(*a, **k):
        raise AssertionError("a moved/copied photo must not be decoded again")

    monkeypatch.setattr(indexer_mod, "decode_photo", no_decode)
    report = env.make().run()
    assert report.moved == 1 and report.copied == 1 and report.indexed == 0 and report.gone == 0
    now = env.catalog.photo_by_path(str(moved))
    assert now.id == old.id and now.status == PhotoStatus.INDEXED
    np.testing.assert_allclose(vector_of(env, now.id), old_vec, atol=1e-6)
    c = env.catalog.photo_by_path(str(copy))
    orig = env.catalog.photo_by_path(str(env.files[1]))
    np.testing.assert_allclose(vector_of(env, c.id), vector_of(env, orig.id), atol=1e-6)
    assert len(env.store) == len(env.files) + 1


def test_changed_deleted_and_restored(env):
    env.make().run()
    target = env.files[2]
    pid = env.catalog.photo_by_path(str(target)).id
    before = vector_of(env, pid).copy()
    # new content under the same name → re-encoded, same id
    from tests.support.photos import sample_image

    sample_image("moon").save(target, quality=80)
    os.utime(target, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    r = env.make().run()
    assert r.changed == 1 and r.indexed == 1
    assert env.catalog.photo_by_path(str(target)).id == pid
    assert not np.allclose(vector_of(env, pid), before)
    # deleted → gone and out of the index
    saved = target.read_bytes()
    st = target.stat()
    target.unlink()
    r = env.make().run()
    assert r.gone == 1
    assert pid not in set(env.store.ids().tolist())
    assert env.catalog.photo_by_path(str(target)).status == PhotoStatus.GONE
    # restored unchanged → revived without decoding
    target.write_bytes(saved)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    r = env.make().run()
    assert r.moved == 1 and r.indexed == 0
    assert pid in set(env.store.ids().tolist())


def test_unreachable_root_is_not_marked_gone(env, tmp_path):
    env.make().run()
    env.photos.rename(tmp_path / "unplugged")
    r = env.make().run()
    assert r.gone == 0
    assert env.catalog.status_counts(env.enc.model_key).indexed == len(env.files)
    assert any("not reachable" in reason for _, reason in r.scan_errors)


def test_cancel_keeps_committed_batches_and_resumes(env, tmp_path):
    more = make_sample_photos(
        env.photos / "more", ("camera", "moon", "page", "colorwheel", "coins", "retina")
    )
    total = len(env.files) + len(more)
    calls = {"n": 0}

    def stop_after_first_batch():
        calls["n"] += 1
        return env.enc.calls >= 1

    r = env.make(should_stop=stop_after_first_batch).run()
    assert r.cancelled
    first = env.catalog.status_counts(env.enc.model_key).indexed
    assert 0 < first < total
    assert len(env.store) == first
    r2 = env.make().run()
    assert env.catalog.status_counts(env.enc.model_key).indexed == total
    assert r2.indexed == total - first


def test_broken_files_are_recorded_not_fatal(env):
    (env.photos / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (env.photos / "empty.png").write_bytes(b"")
    r = env.make().run()
    assert r.indexed == len(env.files)
    reasons = dict(r.failures)
    assert set(Path(p).name for p in reasons) == {"broken.jpg", "empty.png"}
    counts = env.catalog.status_counts(env.enc.model_key)
    assert counts.failed == 2 and len(counts.failures) == 2
    # failures are not retried while the file is unchanged
    r2 = env.make().run()
    assert r2.failed == 0 and r2.unchanged == len(env.files) + 2


def test_store_is_repaired_from_catalog_after_losing_index(env):
    env.make().run()
    for f in env.paths.index_dir.iterdir():
        f.unlink()
    store = HnswStore.open(env.paths.index_dir / "fake.hnsw", env.enc.dim)
    assert len(store) == 0
    from photoalbum.core.vector_sync import sync_store

    assert sync_store(env.catalog, store, env.enc.model_key)
    assert len(store) == len(env.files)


def test_unchanged_rescan_neither_loads_nor_saves_the_index(env):
    env.make().run()
    saved = {p.name: p.stat().st_mtime_ns for p in env.paths.index_dir.iterdir()}

    def must_not_load():
        raise AssertionError("an unchanged rescan loaded the vector index")

    r = Indexer(env.catalog, must_not_load, env.enc, ThumbnailCache(env.paths.thumbnails)).run()
    assert r.unchanged == len(env.files)
    assert {p.name: p.stat().st_mtime_ns for p in env.paths.index_dir.iterdir()} == saved
    # one new photo: the index is loaded lazily, updated and saved
    make_sample_photos(env.photos / "new", ("moon",))
    loads = []

    def load():
        loads.append(1)
        return env.store

    r = Indexer(env.catalog, load, env.enc, ThumbnailCache(env.paths.thumbnails)).run()
    assert r.indexed == 1 and loads == [1]
    assert {p.name: p.stat().st_mtime_ns for p in env.paths.index_dir.iterdir()} != saved


def test_photos_removed_from_the_library_stay_out_of_rescans(env):
    env.make().run()
    key = env.enc.model_key
    first, second = env.catalog.live_ids(key).tolist()[:2]
    removed_path = env.catalog.photos([first])[0].path
    before = snapshot(env.photos)
    assert env.catalog.remove_photos([first]) == 1
    os.utime(removed_path, ns=(1, 1))  # even a changed file stays out
    report = env.make().run()
    assert report.new == 0 and report.changed == 0 and report.gone == 0 and report.indexed == 0
    assert first not in env.catalog.live_ids(key).tolist()
    assert env.catalog.photo_by_path(removed_path) is None
    sync_store(env.catalog, env.store, key)  # what a reader does: the removal reaches the index
    assert first not in env.store.ids().tolist() and second in env.store.ids().tolist()
    assert os.path.exists(removed_path)  # never deleted
    assert {k: v for k, v in snapshot(env.photos).items() if k != removed_path} == {
        k: v for k, v in before.items() if k != removed_path
    }


def test_progress_is_final_at_its_stage_end_or_done():
    assert IndexProgress("encode", 10, 10).is_final
    assert IndexProgress("done", 0, 0).is_final
    assert not IndexProgress("encode", 9, 10).is_final
    assert not IndexProgress("scan", 5, 0).is_final  # total unknown yet


_CRASHING_RUN = """
import json, os, sys
from pathlib import Path
from photoalbum.core import indexer as mod
from photoalbum.core.decode_journal import DecodeJournal
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from tests.support.fakes import FakeImageEncoder

lib, photos = Path(sys.argv[1]), sys.argv[2]
real = mod.decode_photo

def decode(path, **kw):
    if os.path.basename(path).startswith("crash"):
        os._exit(70)  # what a native decoder's segfault does: no finally, no flush
    return real(path, **kw)

mod.decode_photo = decode
catalog = open_catalog(lib / "catalog.sqlite3")
if not catalog.roots():
    catalog.add_root(photos)
enc = FakeImageEncoder()
store = HnswStore.open(lib / "index" / "fake.hnsw", enc.dim)
report = mod.Indexer(catalog, store, enc, ThumbnailCache(lib / "thumbnails"), batch_size=4,
                     decode_workers=3, journal=DecodeJournal(lib / "decoding.journal")).run()
print(json.dumps({"indexed": report.indexed, "unchanged": report.unchanged,
                  "failures": report.failures}))
"""


def test_a_photo_that_kills_the_decoder_is_isolated_then_recorded_failed(env, tmp_path):
    import subprocess
    import sys

    from photoalbum.core.decode_journal import crash_reason, decoder_versions

    crash = env.photos / "crash me.jpg"  # a good JPEG; the run's decoder dies on its name
    # (bytes of its own: a copy of a photo already indexed would take that photo's vector)
    crash.write_bytes(env.files[0].read_bytes() + b"not a copy")
    before = snapshot(env.photos)
    lib = tmp_path / "crashlib"
    repo = Path(__file__).resolve().parents[2]

    def run():
        return subprocess.run(
            [sys.executable, "-c", _CRASHING_RUN, str(lib), str(env.photos)],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = run()
    assert first.returncode == 70, first.stderr
    journal = lib / "decoding.journal"
    assert journal.exists()
    second = run()  # the suspects, decoded alone and last: dies again on the culprit
    assert second.returncode == 70, second.stderr
    catalog = open_catalog(lib / "catalog.sqlite3")
    try:  # what was decoded before the lone culprit was committed (≤ 3 were in flight)
        assert catalog.status_counts(env.enc.model_key).indexed >= len(env.files) - 2
    finally:
        catalog.close()
    lone_again = run()  # one lone death could be a kill: it is tried alone once more
    assert lone_again.returncode == 70, lone_again.stderr
    third = run()
    assert third.returncode == 0, third.stderr
    report = json.loads(third.stdout)
    assert report["failures"] == [[str(crash), crash_reason(decoder_versions())]]
    assert not journal.exists()
    catalog = open_catalog(lib / "catalog.sqlite3")
    try:
        counts = catalog.status_counts(env.enc.model_key)
        assert (counts.indexed, counts.failed) == (len(env.files), 1)
    finally:
        catalog.close()
    fourth = run()  # the culprit is not opened again while it is unchanged
    assert fourth.returncode == 0 and json.loads(fourth.stdout)["indexed"] == 0
    assert snapshot(env.photos) == before


def test_photos_in_flight_when_a_run_died_are_decoded_alone_and_last(env, monkeypatch):
    from photoalbum.core.decode_journal import DecodeJournal

    journal = DecodeJournal(env.paths.decode_journal)
    suspect = str(env.files[0])
    env.paths.decode_journal.write_text(
        f'["start", {json.dumps(suspect)}]\n["start", "/elsewhere/x.jpg"]\n', encoding="utf-8"
    )
    order: list[tuple[str, bool]] = []
    real = journal.started
    monkeypatch.setattr(
        journal,
        "started",
        lambda path, alone=False: order.append((path, alone)) or real(path, alone=alone),
    )
    report = env.make(journal=journal).run()
    assert report.indexed == len(env.files) and report.failed == 0  # an innocent death
    assert order[-1] == (suspect, True)
    assert all(not alone for _, alone in order[:-1])
    assert not env.paths.decode_journal.exists()


def test_a_writer_saves_the_index_it_had_to_rebuild(env, tmp_path):
    """A run that loads a store rebuilt from a broken file saves it even when the run itself
    changes nothing (here: cancelled before its first commit), so later processes load it."""
    env.make().run()
    path = env.store.path
    with open(path, "r+b") as f:  # a bad block: the sidecar's CRC no longer matches
        f.seek(200)
        f.write(b"\xff" * 64)
    broken = path.read_bytes()
    gen = env.catalog.generation(env.enc.model_key)

    def writable_store():  # what the library hands a writer: opened, then brought in step
        store = HnswStore.open(path, env.enc.dim)
        assert store.saved_generation is None  # rebuilt, not loaded
        sync_store(env.catalog, store, env.enc.model_key)
        return store

    shutil.copy(env.files[0], env.photos / "new.jpg")
    with open(env.photos / "new.jpg", "ab") as f:
        f.write(b"other bytes")
    indexer = Indexer(
        env.catalog,
        writable_store,
        env.enc,
        ThumbnailCache(env.paths.thumbnails),
        batch_size=4,
        should_stop=lambda: indexer._store is not None,
    )
    report = indexer.run()
    assert report.cancelled and report.indexed == 0
    assert path.read_bytes() != broken
    again = HnswStore.open(path, env.enc.dim)
    assert again.saved_generation == again.generation == gen
    assert len(again) == len(env.files)


def _indexed_and_failed(env):
    counts = env.catalog.status_counts(env.enc.model_key)
    return counts.indexed, counts.failed


def test_a_valid_photo_killed_once_while_decoded_alone_is_indexed(env):
    """Two kills in a row, the second during a lone decode of a good photo: the photo is
    decoded alone again and indexed, not recorded as crashing the decoder."""
    from photoalbum.core.decode_journal import DecodeJournal

    victim = str(env.files[0])
    env.paths.decode_journal.parent.mkdir(parents=True, exist_ok=True)
    env.paths.decode_journal.write_text(
        f'["suspect", {json.dumps(victim)}]\n["alone", {json.dumps(victim)}]\n', encoding="utf-8"
    )
    report = env.make(journal=DecodeJournal(env.paths.decode_journal)).run()
    assert report.failed == 0 and report.indexed == len(env.files)
    assert not env.paths.decode_journal.exists()


def test_a_photo_that_crashed_the_decoder_is_retried_after_a_decoder_upgrade(env, monkeypatch):
    from photoalbum.core.decode_journal import DecodeJournal, crash_reason

    victim = str(env.files[0])
    env.paths.decode_journal.parent.mkdir(parents=True, exist_ok=True)
    env.paths.decode_journal.write_text(  # died decoding it alone twice
        f'["suspect", {json.dumps(victim)}, 1]\n["alone", {json.dumps(victim)}]\n', encoding="utf-8"
    )
    monkeypatch.setattr(indexer_mod, "decoder_versions", lambda: "Pillow 1.0, pillow-heif 0.1")
    journal = DecodeJournal(env.paths.decode_journal)
    report = env.make(journal=journal).run()
    assert report.failures == [(victim, crash_reason("Pillow 1.0, pillow-heif 0.1"))]
    assert _indexed_and_failed(env) == (len(env.files) - 1, 1)
    again = env.make(journal=journal).run()  # same decoders: not opened again
    assert again.indexed == 0 and again.changed == 0
    monkeypatch.setattr(indexer_mod, "decoder_versions", lambda: "Pillow 2.0, pillow-heif 0.1")
    upgraded = env.make(journal=journal).run()
    assert upgraded.indexed == 1 and upgraded.failed == 0 and upgraded.changed == 1
    assert _indexed_and_failed(env) == (len(env.files), 0)
    assert env.make(journal=journal).run().indexed == 0


def test_a_garbled_cached_thumbnail_is_made_again(env):
    from photoalbum.core.fingerprint import fingerprint

    cache = ThumbnailCache(env.paths.thumbnails)
    first = env.files[0]
    fp = fingerprint(str(first))
    garbled = cache.path_for(fp)
    garbled.parent.mkdir(parents=True, exist_ok=True)
    garbled.write_bytes(b"\xff\xd8\xff not a whole jpeg")
    cut_short = cache.path_for(fingerprint(str(env.files[1])))
    cut_short.parent.mkdir(parents=True, exist_ok=True)
    cut_short.write_bytes(b"just garbage")
    assert not cache.has(fp) and cache.get(fp) is None

    env.make().run()

    for path in (garbled, cut_short):
        data = path.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9"
    assert cache.has(fp) and cache.get(fp) == garbled.read_bytes()


def test_hostile_raws_are_recorded_failed_not_fatal(env):
    pytest.importorskip("rawpy")
    rng = np.random.default_rng(3)
    (env.photos / "random.nef").write_bytes(rng.bytes(5000))
    (env.photos / "unknown.arw").write_bytes(b"II*\x00\x08\x00\x00\x00" + rng.bytes(3000))
    (env.photos / "bad.cr3").write_bytes(b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom")
    before = snapshot(env.photos)
    r = env.make().run()
    assert r.indexed == len(env.files)
    reasons = {Path(p).name: why for p, why in r.failures}
    assert set(reasons) == {"random.nef", "unknown.arw", "bad.cr3"}
    assert all(reasons.values()), reasons
    assert env.make().run().failed == 0  # not retried while unchanged
    assert snapshot(env.photos) == before
