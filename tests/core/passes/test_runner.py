"""Tests for the background-pass runner on a real catalog: state, failures, versions, resume."""

from __future__ import annotations

import threading

import pytest

from photoalbum.core.errors import KnownError
from photoalbum.core.indexer import Indexer
from photoalbum.core.passes import (
    PassOutcome,
    PassRunner,
    RecentImages,
    VideoFrames,
    spread_moments,
)
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vectorstore import HnswStore
from photoalbum.persistence import open_catalog
from photoalbum.persistence.pass_state import record_outcomes
from tests.support.fakes import FakeImageEncoder
from tests.support.photos import make_sample_photos
from tests.support.videos import make_video, solid


class SizePass:
    """Records each image's size; fails on photos whose name contains ``fail_on``."""

    def __init__(self, catalog, name="size", version=1, min_side=64, fail_on=None, crash_on=None):
        self.catalog = catalog
        self.name, self.version, self.min_side = name, version, min_side
        self.fail_on, self.crash_on = fail_on, crash_on
        self.seen: list[tuple[int, tuple[int, int]]] = []
        self.committed: dict[int, object] = {}
        self._lock = threading.Lock()
        self._paths = {p.id: p.path for p in catalog.photos(catalog.live_ids("fake/1").tolist())}

    def process(self, photo_id, image):
        path = self._paths.get(photo_id, "")
        with self._lock:
            self.seen.append((photo_id, image.size))
        if self.fail_on and self.fail_on in path:
            raise KnownError("no can do")
        if self.crash_on and self.crash_on in path:
            raise ValueError("a bug")
        return image.size

    def commit(self, outcomes):
        with self.catalog.database.transaction(write=True) as c:
            record_outcomes(c, self.name, self.version, outcomes)
        for o in outcomes:
            if not o.failed:
                self.committed[o.photo_id] = o.result


@pytest.fixture
def env(paths, tmp_path):
    photos = tmp_path / "photos"
    files = make_sample_photos(photos, size=400)
    catalog = open_catalog(paths.catalog)
    catalog.add_root(str(photos))
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    recent = RecentImages()
    indexer = Indexer(
        catalog,
        store,
        enc,
        ThumbnailCache(paths.thumbnails),
        batch_size=4,
        recent=recent,
        pass_side=300,
    )
    assert indexer.run().indexed == len(files)
    yield type(
        "Env", (), dict(catalog=catalog, files=files, photos=photos, recent=recent, indexer=indexer)
    )
    catalog.close()


def test_runs_every_photo_once_with_the_pipelines_images_and_records_state(env):
    p = SizePass(env.catalog)
    assert len(env.recent) == len(env.files)
    report = PassRunner(env.catalog.pass_state, [p], recent=env.recent).run()
    assert report.done == {"size": len(env.files)} and report.failed == {"size": 0}
    # a small run decodes at the passes' size once: no second decode
    assert report.reused == len(env.files) and report.decoded == 0
    assert all(min(size) >= 300 or max(size) == 400 for _, size in p.seen)
    counts = env.catalog.pass_state.pass_counts("size", 1)
    assert (counts.done, counts.failed, counts.todo) == (len(env.files), 0, 0)
    # nothing left: a second run does nothing
    again = SizePass(env.catalog)
    assert PassRunner(env.catalog.pass_state, [again]).run().done == {"size": 0}
    assert again.seen == []


def test_draft_decodes_when_no_image_is_at_hand(env):
    p = SizePass(env.catalog, min_side=100)
    report = PassRunner(env.catalog.pass_state, [p]).run()
    assert report.decoded == len(env.files) and report.reused == 0
    assert all(min(size) >= 100 for _, size in p.seen)


def test_failures_are_recorded_with_reasons_and_not_retried(env):
    p = SizePass(env.catalog, fail_on="coffee", crash_on="rocket")
    report = PassRunner(env.catalog.pass_state, [p]).run()
    assert report.failed == {"size": 2}
    reasons = dict((path.rsplit("/", 1)[-1], r) for _, path, r in report.failures)
    assert reasons["coffee.jpg"] == "no can do"
    assert reasons["rocket.jpg"].startswith("internal error: ValueError")
    counts = env.catalog.pass_state.pass_counts("size", 1)
    assert counts.failed == 2 and counts.todo == 0 and len(counts.failures) == 2
    again = SizePass(env.catalog)
    PassRunner(env.catalog.pass_state, [again]).run()
    assert again.seen == []  # never retried while file and pass version stay the same


def test_unreadable_photo_fails_once(env):
    victim = next(f for f in env.files if "chelsea" in f.name)
    victim.write_bytes(b"not a jpeg any more")  # changed behind the catalog's back
    p = SizePass(env.catalog)
    report = PassRunner(env.catalog.pass_state, [p]).run()
    assert report.failed["size"] == 1 and "not an image" in report.failures[0][2]


def test_new_version_redoes_everything_and_changed_content_redoes_the_photo(env):
    PassRunner(env.catalog.pass_state, [SizePass(env.catalog)]).run()
    v2 = SizePass(env.catalog, version=2)
    assert PassRunner(env.catalog.pass_state, [v2]).run().done == {"size": len(env.files)}
    # the photo's content changed (re-indexed with a new fingerprint): only it is redone
    target = env.files[0]
    from PIL import Image

    Image.new("RGB", (320, 200), (200, 10, 10)).save(target)
    assert env.indexer.run().indexed == 1
    v2b = SizePass(env.catalog, version=2)
    assert PassRunner(env.catalog.pass_state, [v2b]).run().done == {"size": 1}
    assert len(v2b.seen) == 1


def test_cancel_commits_what_was_done_and_the_next_run_resumes(env):
    p = SizePass(env.catalog)
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    report = PassRunner(
        env.catalog.pass_state, [p], batch_size=1, workers=1, should_stop=stop
    ).run()
    assert report.cancelled and 1 <= report.done["size"] < len(env.files)
    first = set(p.committed)
    q = SizePass(env.catalog)
    report2 = PassRunner(env.catalog.pass_state, [q]).run()
    assert report2.done["size"] == len(env.files) - len(first)
    assert not first & {pid for pid, _ in q.seen}  # nothing done is redone


def test_two_passes_share_one_decode_and_keep_separate_state(env):
    a, b = SizePass(env.catalog, "a", min_side=80), SizePass(env.catalog, "b", min_side=120)
    PassRunner(env.catalog.pass_state, [a]).run()
    report = PassRunner(env.catalog.pass_state, [a, b]).run()
    assert report.done == {"a": 0, "b": len(env.files)}
    assert report.decoded == len(env.files)
    env.catalog.pass_state.reset_pass("a")
    assert env.catalog.pass_state.pass_counts("a", 1).todo == len(env.files)
    assert env.catalog.pass_state.pass_counts("b", 1).done == len(env.files)


def test_pagination_covers_every_photo_across_passes(env):
    # more photos than one todo page: state holds for several passes with different gaps
    a, b = SizePass(env.catalog, "a"), SizePass(env.catalog, "b")
    ids = sorted(env.catalog.live_ids("fake/1").tolist())
    env.catalog.pass_state.record_pass("a", 1, [PassOutcome(i, _fp(env, i)) for i in ids[::2]])
    runner = PassRunner(env.catalog.pass_state, [a, b], batch_size=1, page_size=2)
    jobs = list(runner._jobs())
    assert [j.todo.photo_id for j in jobs] == ids
    assert (
        sorted(pid for pid in ids if "a" in [p.name for p in _job(jobs, pid).passes]) == ids[1::2]
    )


def _job(jobs, pid):
    return next(j for j in jobs if j.todo.photo_id == pid)


def _fp(env, pid):
    return env.catalog.photos([pid])[0].fingerprint


def test_recent_images_keeps_the_newest_and_checks_content():
    from PIL import Image

    r = RecentImages(capacity=2)
    im = Image.new("RGB", (50, 40))
    for i in range(3):
        r.offer(i, f"fp{i}", im, full_resolution=False)
    assert len(r) == 2 and r.take(0, "fp0", 10) is None
    assert r.take(1, "other", 10) is None  # content changed since
    assert r.take(2, "fp2", 100) is None  # too small and not full resolution
    r.offer(3, "fp3", im, full_resolution=True)
    assert r.take(3, "fp3", 1000) is im  # a small photo at full resolution is as good as it gets


def test_yield_ends_the_run_early_without_cancelling(env):
    p = SizePass(env.catalog)
    report = PassRunner(
        env.catalog.pass_state, [p], batch_size=1, workers=1, should_yield=lambda: True
    ).run()
    assert report.yielded and not report.cancelled
    assert (
        env.catalog.pass_state.pass_counts("size", 1).todo == len(env.files) - report.done["size"]
    )


def test_prepare_is_called_once_per_run_and_only_when_there_is_work(env):
    calls: list[str] = []

    class Preparing(SizePass):
        def prepare(self):
            calls.append(self.name)
            assert not self.seen  # before the first photo

    p = Preparing(env.catalog)
    assert PassRunner(env.catalog.pass_state, [p], recent=env.recent).run().done["size"] > 0
    assert calls == ["size"]
    PassRunner(env.catalog.pass_state, [p]).run()  # nothing left to do: no models to load
    assert calls == ["size"]


class MetaPass:
    """A pass that needs no pixels: gets pages of photos, records the order it saw them in."""

    needs_pixels = False
    min_side = 0

    def __init__(self, catalog, log, name="meta", version=1):
        self.catalog, self.log, self.name, self.version = catalog, log, name, version

    def process(self, photo_id, image):  # pragma: no cover - the runner must not call it
        raise AssertionError("process called on a metadata pass")

    def process_batch(self, todos):
        self.log.append((self.name, [t.photo_id for t in todos]))
        return [PassOutcome(t.photo_id, t.fingerprint, result=t.path) for t in todos]

    def commit(self, outcomes):
        with self.catalog.database.transaction(write=True) as c:
            record_outcomes(c, self.name, self.version, outcomes)


def test_metadata_passes_run_first_in_pages_without_decoding(env):
    log: list = []
    meta = MetaPass(env.catalog, log)
    size = SizePass(env.catalog)
    decoded = []

    def decode(path, min_side):
        decoded.append(path)
        log.append(("decode", path))
        from photoalbum.core.imaging import decode_photo

        return decode_photo(path, min_side=min_side).image

    env.recent.clear()
    report = PassRunner(env.catalog.pass_state, [size, meta], decode=decode, page_size=4).run()
    n = len(env.files)
    assert report.done == {"size": n, "meta": n}
    pages = [ids for name, ids in log if name == "meta"]
    assert [len(ids) for ids in pages] == [4] * (n // 4) + ([n % 4] if n % 4 else [])
    assert all(name == "meta" for name, _ in log[: len(pages)])  # before any decode
    assert len(decoded) == n  # one decode per photo, for the pixel pass only
    assert env.catalog.pass_state.pass_counts("meta", 1).todo == 0


class MomentsPass(SizePass):
    """Reads ``video_moments`` of a video's moments (their sizes, merged with their times);
    a video's state is recorded under ``video_version``."""

    def __init__(self, catalog, name="moments", video_moments=2, video_version=3, **kw):
        super().__init__(catalog, name=name, **kw)
        self.video_moments, self.video_version = video_moments, video_version
        self.moment_calls: list[tuple[int, tuple[int, int]]] = []
        self.merged: dict[int, list] = {}

    def process_moment(self, photo_id, image):
        self.moment_calls.append((photo_id, image.size))
        return image.size

    def merge_moments(self, photo_id, results):
        self.merged[photo_id] = list(results)
        return [t for t, _ in results]


class CountingFrames(VideoFrames):
    def __init__(self):
        self.decoded: list[float] = []

    def frames(self, path, times, min_side):
        for m in super().frames(path, times, min_side):
            self.decoded.append(m.time_s)
            yield m


@pytest.fixture
def media(paths, tmp_path):
    """Two photos and a 6-second video of three scenes (moments at 0, 2 and 4 s), indexed."""
    folder = tmp_path / "media"
    make_sample_photos(folder, ("coffee", "chelsea"), size=200)
    scenes = [(solid(c, (96, 64)), 2.0) for c in ((200, 40, 40), (40, 200, 40), (40, 40, 200))]
    make_video(folder / "clip.mp4", scenes)
    catalog = open_catalog(paths.catalog)
    catalog.add_root(str(folder))
    enc = FakeImageEncoder()
    store = HnswStore.open(paths.index_dir / "fake.hnsw", enc.dim)
    indexer = Indexer(catalog, store, enc, ThumbnailCache(paths.thumbnails), batch_size=4)
    assert indexer.run().indexed == 3
    video = next(
        p for p in catalog.photos(catalog.live_ids("fake/1").tolist()) if p.path.endswith(".mp4")
    )
    yield catalog, video.id
    catalog.close()


def test_a_pass_reads_its_share_of_a_videos_moments_each_decoded_once(media):
    catalog, video = media
    two = MomentsPass(catalog, video_moments=2, min_side=48)
    every = MomentsPass(catalog, name="every", video_moments=10, min_side=32)
    first = SizePass(catalog, name="first")
    frames = CountingFrames()
    report = PassRunner(catalog.pass_state, [two, every, first], video_frames=frames).run()
    assert report.done == {"moments": 3, "every": 3, "first": 3}
    assert sorted(frames.decoded) == [0.0, 2.0, 4.0]  # the union of the passes' moments, once
    assert [t for t, _ in two.merged[video]] == [0.0, 4.0]  # spread: the first and the last
    assert [t for t, _ in every.merged[video]] == [0.0, 2.0, 4.0]
    assert two.committed[video] == [0.0, 4.0]
    assert all(min(size) >= 48 for _, size in two.moment_calls)
    # photos go through ``process``; the video's moments only through ``process_moment``
    assert video not in {pid for pid, _ in two.seen} and len(two.seen) == 2
    assert [pid for pid, _ in first.seen].count(video) == 1  # the first moment only


def test_a_videos_state_is_kept_under_the_video_version(media):
    catalog, video = media
    state = catalog.pass_state
    assert PassRunner(state, [MomentsPass(catalog, video_version=3)]).run().done["moments"] == 3
    assert state.pass_counts("moments", 1, video_version=3).todo == 0
    # a new video version: the video alone is to do again
    assert [t.photo_id for t in state.pass_todo("moments", 1, video_version=4)] == [video]
    assert state.pass_counts("moments", 1, video_version=4).todo == 1
    again = MomentsPass(catalog, video_version=4)
    assert PassRunner(state, [again]).run().done["moments"] == 1
    assert again.seen == [] and set(again.merged) == {video}
    # a new photo version: the photos alone
    assert [t.photo_id for t in state.pass_todo("moments", 2, video_version=4)] != [video]
    assert len(state.pass_todo("moments", 2, video_version=4)) == 2


def test_a_video_that_cannot_be_read_fails_every_pass_once(media, tmp_path):
    catalog, video = media
    path = next(p.path for p in catalog.photos([video]))
    with open(path, "r+b") as f:  # changed behind the catalog's back: no moment decodes
        f.truncate(200)
    p = MomentsPass(catalog)
    report = PassRunner(catalog.pass_state, [p]).run()
    assert report.failed == {"moments": 1} and report.failures[0][1] == path
    assert PassRunner(catalog.pass_state, [MomentsPass(catalog)]).run().done["moments"] == 0


def test_spread_moments_keeps_the_first_and_spreads_the_rest():
    assert spread_moments(0, 5) == []
    assert spread_moments(3, 5) == [0, 1, 2]
    assert spread_moments(60, 1) == [0]
    assert spread_moments(60, 5) == [0, 15, 30, 44, 59]
    assert spread_moments(3, 2) == [0, 2]


def test_a_pass_reading_one_moment_reads_it_as_a_photo(media):
    catalog, video = media
    one = MomentsPass(catalog, name="one", video_moments=1)
    many = MomentsPass(catalog, name="many", video_moments=3)
    PassRunner(catalog.pass_state, [one, many]).run()
    assert one.moment_calls == [] and one.merged == {}
    assert one.committed[video] == next(size for pid, size in one.seen if pid == video)


def test_a_cancel_stops_a_video_between_moments_and_leaves_it_to_do(media):
    catalog, video = media
    frames = CountingFrames()
    p = MomentsPass(catalog, video_moments=3)
    runner = PassRunner(
        catalog.pass_state,
        [p],
        workers=1,
        video_frames=frames,
        should_stop=lambda: len(frames.decoded) > 0,
    )
    report = runner.run()
    assert report.cancelled and frames.decoded == [0.0]  # not the other two moments
    assert video not in p.committed and p.moment_calls == []
    todo = catalog.pass_state.pass_todo("moments", 1, video_version=3)
    assert video in [t.photo_id for t in todo]
