"""Runs the enabled background passes over the photos they still have to do.

The CLIP pass comes first: a library's indexing run encodes every new photo, then the runner works
through each pass's backlog (a kill or a cancel leaves it where the last committed batch ended;
the next run picks it up from the catalog's per-photo state). Each photo is decoded once for all
passes that need it — or not at all when the indexing pipeline just decoded it (the
:class:`RecentImages` hand-off) — and the passes' ``process`` run in worker threads with bounded
look-ahead while results are committed in batches. A video is read at its first moment, or,
for a pass that asks for more (``video_moments``), at that many of its moments: each decoded
once by a seek to its keyframe, one at a time, never the whole video.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from photoalbum.core.errors import KnownError, PhotoDecodeError
from photoalbum.core.imaging import decode_photo
from photoalbum.core.passes.ports import (
    PassOutcome,
    PassProgress,
    PassStateStore,
    PassTodo,
    PhotoPass,
    needs_pixels,
    spread_moments,
    video_moments,
    video_version,
)
from photoalbum.core.scanning import is_video_name
from photoalbum.core.video import VideoMoment, frames_at, moment_times, video_still

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

logger = logging.getLogger(__name__)

#: A decode failure that says the file is no longer there: not recorded (the next scan marks the
#: photo gone, or finds it again).
_TRANSIENT = ("file vanished",)


class RecentImages:
    """A small thread-safe hand-off of just-decoded images from the indexing pipeline.

    Holds at most ``capacity`` images (the newest); the runner takes an image out when it uses it.
    """

    def __init__(self, capacity: int = 32) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._items: OrderedDict[int, tuple[str | None, Image.Image, bool]] = OrderedDict()

    def offer(
        self, photo_id: int, fingerprint: str | None, image: Image.Image, full_resolution: bool
    ) -> None:
        """Keep ``image`` (RGB, EXIF orientation applied) of the photo for the passes."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._items[photo_id] = (fingerprint, image, full_resolution)
            self._items.move_to_end(photo_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def take(self, photo_id: int, fingerprint: str | None, min_side: int) -> Image.Image | None:
        """The kept image if it is of this content and big enough for ``min_side``, else None."""
        with self._lock:
            item = self._items.pop(photo_id, None)
        if item is None:
            return None
        fp, image, full = item
        if fp != fingerprint or not (full or min(image.size) >= min_side):
            return None
        return image

    def clear(self) -> None:
        """Drop every kept image."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass
class PassReport:
    """What one runner run did, per pass name."""

    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (pass, path, reason)
    decoded: int = 0  # draft decodes the runner did itself
    reused: int = 0  # images handed over by the indexing pipeline
    skipped: int = 0  # photos whose file vanished meanwhile
    seconds: float = 0.0
    cancelled: bool = False
    yielded: bool = False  # stopped early to let new photos be indexed first; work is left


@dataclass
class _Job:
    todo: PassTodo
    passes: list[PhotoPass]


class PassRunner:
    """Works through the enabled passes' backlogs.

    Args:
        state: the catalog's pass state (what is left to do).
        passes: the enabled passes.
        recent: images the indexing pipeline just decoded (optional).
        workers: threads that decode and call ``process`` (ONNX Runtime adds its own).
        batch_size: photos per commit (per pass).
        on_progress: called after each photo with :class:`PassProgress` (throttle in front ends).
        should_stop: polled between photos; True stops after committing what is done.
        should_yield: polled between photos; True ends the run early the same way (not a
            cancel: new photos are waiting for their CLIP encoding, which comes first).
        wait_if_paused: called between photos; blocks while paused.
        decode: decodes a photo for the passes (default: :func:`decode_photo` in draft mode).
        page_size: photos per pass asked from the catalog at a time.
        video_frames: a video's moments' times (:func:`~photoalbum.core.video.moment_times`)
            and the pictures at some of them (:func:`~photoalbum.core.video.frames_at`), for
            passes that read several of a video's moments.
    """

    def __init__(
        self,
        state: PassStateStore,
        passes: Sequence[PhotoPass],
        *,
        recent: RecentImages | None = None,
        workers: int = 2,
        batch_size: int = 16,
        on_progress: Callable[[PassProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        should_yield: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        decode: Callable[[str, int], Image.Image] | None = None,
        page_size: int = 256,
        video_frames: VideoFrames | None = None,
    ) -> None:
        self.state = state
        self.passes = list(passes)
        self.recent = recent
        self.workers = max(1, workers)
        self.batch_size = max(1, batch_size)
        self.on_progress = on_progress or (lambda p: None)
        self.should_stop = should_stop or (lambda: False)
        self.should_yield = should_yield or (lambda: False)
        self.wait_if_paused = wait_if_paused or (lambda: None)
        self.decode = decode or _draft_decode
        self.page_size = max(1, page_size)
        self.video_frames = video_frames or VideoFrames()
        self._counter_lock = threading.Lock()

    def todo_count(self) -> dict[str, int]:
        """Photos each pass still has to do."""
        return {
            p.name: self.state.pass_counts(
                p.name, p.version, failures=0, video_version=video_version(p)
            ).todo
            for p in self.passes
        }

    def run(self) -> PassReport:
        """Process every pass's backlog (until done, cancelled or killed)."""
        t0 = time.perf_counter()
        report = PassReport(
            done={p.name: 0 for p in self.passes}, failed={p.name: 0 for p in self.passes}
        )
        if not self.passes:
            return report
        totals = self.todo_count()
        if not any(totals.values()):
            return report
        for p in self.passes:  # optional: a pass may start loading its models in the background
            prepare = getattr(p, "prepare", None)
            if callable(prepare) and totals[p.name]:
                prepare()
        handled = {p.name: 0 for p in self.passes}
        # Passes that need no pixels first: they are cheap, and need no decode.
        for p in self.passes:
            if (
                not needs_pixels(p)
                and totals[p.name]
                and self._run_metadata(p, totals[p.name], report, t0)
            ):
                report.seconds = time.perf_counter() - t0
                return report
        pixel_passes = [p for p in self.passes if needs_pixels(p)]
        if not pixel_passes:
            report.seconds = time.perf_counter() - t0
            return report
        buffers: dict[str, list[PassOutcome]] = {p.name: [] for p in self.passes}
        paths: dict[int, str] = {}
        by_name = {p.name: p for p in self.passes}

        def flush(name: str) -> None:
            outcomes = buffers[name]
            if not outcomes:
                return
            by_name[name].commit(outcomes)
            for o in outcomes:
                if o.failed:
                    report.failed[name] += 1
                    report.failures.append((name, paths.get(o.photo_id, ""), o.reason or ""))
                else:
                    report.done[name] += 1
            buffers[name] = []

        lookahead = self.workers * 2
        with ThreadPoolExecutor(self.workers, thread_name_prefix="pass") as pool:
            pending: deque[tuple[_Job, Future[dict[str, PassOutcome | None]]]] = deque()
            jobs = self._jobs(pixel_passes)
            exhausted = False
            while True:
                while not exhausted and len(pending) < lookahead:
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                        break
                    paths[job.todo.photo_id] = job.todo.path
                    pending.append((job, pool.submit(self._process, job, report)))
                if not pending:
                    break
                self.wait_if_paused()
                if self.should_stop() or self.should_yield():
                    if self.should_stop():
                        report.cancelled = True
                    else:
                        report.yielded = True
                    for _, f in pending:
                        f.cancel()
                    break
                job, fut = pending.popleft()
                results = fut.result()
                for name, outcome in results.items():
                    handled[name] += 1
                    if outcome is None:
                        continue
                    buffers[name].append(outcome)
                    if len(buffers[name]) >= self.batch_size:
                        flush(name)
                elapsed = max(1e-9, time.perf_counter() - t0)
                for name in results:
                    self.on_progress(
                        PassProgress(
                            name,
                            handled[name],
                            totals[name],
                            job.todo.path,
                            handled[name] / elapsed,
                        )
                    )
            # Done or cancelled: what finished is committed; in-flight photos are redone later.
            for name in buffers:
                flush(name)
        report.seconds = time.perf_counter() - t0
        return report

    def _run_metadata(self, p: PhotoPass, total: int, report: PassReport, t0: float) -> bool:
        """Run a pass that needs no pixels page by page (each page committed with its state);
        True when stopped or told to yield."""
        process_batch = p.process_batch  # type: ignore[attr-defined]
        cursor, handled = 0, 0
        while True:
            self.wait_if_paused()
            if self.should_stop():
                report.cancelled = True
                return True
            if self.should_yield():
                report.yielded = True
                return True
            todos = self.state.pass_todo(
                p.name,
                p.version,
                after_id=cursor,
                limit=self.page_size,
                video_version=video_version(p),
            )
            if not todos:
                return False
            paths = {t.photo_id: t.path for t in todos}
            outcomes = [_versioned(p, paths.get(o.photo_id, ""), o) for o in process_batch(todos)]
            p.commit(outcomes)
            for o in outcomes:
                if o.failed:
                    report.failed[p.name] += 1
                    report.failures.append((p.name, paths.get(o.photo_id, ""), o.reason or ""))
                else:
                    report.done[p.name] += 1
            handled += len(todos)
            cursor = todos[-1].photo_id
            elapsed = max(1e-9, time.perf_counter() - t0)
            self.on_progress(
                PassProgress(p.name, handled, total, todos[-1].path, handled / elapsed)
            )

    def _jobs(self, passes: Sequence[PhotoPass] | None = None) -> Iterator[_Job]:
        """Photos to do, by id, each with the passes that still need it (one decode for all)."""
        passes = self.passes if passes is None else passes
        cursor = 0
        while True:
            chunk: dict[int, _Job] = {}
            horizon: int | None = None
            fetched: list[tuple[PhotoPass, list[PassTodo]]] = []
            limit = self.page_size
            for p in passes:
                items = self.state.pass_todo(
                    p.name, p.version, after_id=cursor, limit=limit, video_version=video_version(p)
                )
                fetched.append((p, items))
                if len(items) == limit:  # more may follow beyond its last id
                    last = items[-1].photo_id
                    horizon = last if horizon is None else min(horizon, last)
            for p, items in fetched:
                for t in items:
                    if horizon is not None and t.photo_id > horizon:
                        break
                    chunk.setdefault(t.photo_id, _Job(t, [])).passes.append(p)
            if not chunk:
                return
            for pid in sorted(chunk):
                yield chunk[pid]
            if horizon is None:
                return
            cursor = horizon

    def _process(self, job: _Job, report: PassReport) -> dict[str, PassOutcome | None]:
        """Decode once (or reuse the pipeline's image), run each pass; never raises for a photo."""
        todo = job.todo
        if not is_video_name(todo.path):
            return self._process_image(job, report)
        if any(video_moments(p) > 1 for p in job.passes):
            out = self._process_video(job, report)
        else:  # the video's first moment is all they read
            out = self._process_image(job, report)
        by_name = {p.name: p for p in job.passes}
        return {
            n: None if o is None else _versioned(by_name[n], todo.path, o) for n, o in out.items()
        }

    def _process_image(self, job: _Job, report: PassReport) -> dict[str, PassOutcome | None]:
        """One picture for every pass of the job (a video: its first moment)."""
        todo = job.todo
        need = max(p.min_side for p in job.passes)
        image = None
        if self.recent is not None:
            image = self.recent.take(todo.photo_id, todo.fingerprint, need)
        if image is not None:
            with self._counter_lock:
                report.reused += 1
        else:
            try:
                image = self.decode(todo.path, need)
            except PhotoDecodeError as exc:
                if exc.reason in _TRANSIENT:
                    with self._counter_lock:
                        report.skipped += 1
                    return {p.name: None for p in job.passes}
                return {
                    p.name: PassOutcome(todo.photo_id, todo.fingerprint, reason=exc.reason)
                    for p in job.passes
                }
            with self._counter_lock:
                report.decoded += 1
        out: dict[str, PassOutcome | None] = {}
        for p in job.passes:
            out[p.name] = run_pass(p, todo, image)
        return out

    def _process_video(self, job: _Job, report: PassReport) -> dict[str, PassOutcome | None]:
        """Each pass on its share of the video's moments (each moment decoded once, one at a
        time, for every pass that reads it), then each pass's results merged into one."""
        todo = job.todo
        if self.recent is not None:  # the pipeline's first moment is no use here: drop it
            self.recent.take(todo.photo_id, todo.fingerprint, 0)
        need = max(p.min_side for p in job.passes)
        failed: dict[str, str] = {}
        results: dict[str, list[tuple[float, object]]] = {p.name: [] for p in job.passes}
        decoded = 0
        try:
            times = self.video_frames.times(todo.path)
            picks = {p.name: set(spread_moments(len(times), video_moments(p))) for p in job.passes}
            wanted = sorted(set().union(*picks.values()))
            index_of = {times[i]: i for i in wanted}
            for moment in self.video_frames.frames(todo.path, [times[i] for i in wanted], need):
                if self.should_stop():  # a long video's moments take a while: done later
                    return {p.name: None for p in job.passes}
                decoded += 1
                i = index_of.get(moment.time_s)
                for p in job.passes:
                    if p.name in failed or i not in picks[p.name]:
                        continue
                    # A pass reading the first moment alone reads it as a photo.
                    process = (
                        getattr(p, "process_moment", p.process)
                        if video_moments(p) > 1
                        else p.process
                    )
                    o = _guarded(p, todo, partial(process, todo.photo_id, moment.image))
                    if o.failed:
                        failed[p.name] = o.reason or ""
                    else:
                        results[p.name].append((moment.time_s, o.result))
        except PhotoDecodeError as exc:
            if exc.reason in _TRANSIENT:
                with self._counter_lock:
                    report.skipped += 1
                return {p.name: None for p in job.passes}
            if not decoded:
                return {
                    p.name: PassOutcome(todo.photo_id, todo.fingerprint, reason=exc.reason)
                    for p in job.passes
                }
            logger.info("video %s: reading its moments stopped: %s", todo.path, exc.reason)
        with self._counter_lock:
            report.decoded += decoded
        out: dict[str, PassOutcome | None] = {}
        for p in job.passes:
            got = results[p.name]
            if p.name in failed:
                out[p.name] = PassOutcome(todo.photo_id, todo.fingerprint, reason=failed[p.name])
            elif not got:
                reason = "no frame could be decoded (truncated or corrupt?)"
                out[p.name] = PassOutcome(todo.photo_id, todo.fingerprint, reason=reason)
            elif video_moments(p) == 1:
                out[p.name] = PassOutcome(todo.photo_id, todo.fingerprint, result=got[0][1])
            else:
                merge = p.merge_moments  # type: ignore[attr-defined]
                out[p.name] = _guarded(p, todo, partial(merge, todo.photo_id, got))
        return out


class VideoFrames:
    """Where the runner gets a video's moments: their times, and the pictures at some of them
    (one at a time, each decoded once); replaceable in tests."""

    def times(self, path: str) -> list[float]:
        """The video's moments' times (seconds), as indexing chose them."""
        return moment_times(path)

    def frames(self, path: str, times: Sequence[float], min_side: int) -> Iterator[VideoMoment]:
        """The pictures at ``times`` (a time that cannot be decoded is left out)."""
        return frames_at(path, times, min_side=min_side)


def _versioned(p: PhotoPass, path: str, outcome: PassOutcome) -> PassOutcome:
    """The outcome, recorded under the pass's video version when it is a video's."""
    if is_video_name(path) and video_version(p) != p.version:
        return replace(outcome, version=video_version(p))
    return outcome


def run_pass(p: PhotoPass, todo: PassTodo, image: Image.Image) -> PassOutcome:
    """``p.process`` on one photo as an outcome: a failure is recorded, never raised."""
    return _guarded(p, todo, lambda: p.process(todo.photo_id, image))


def _guarded(p: PhotoPass, todo: PassTodo, work: Callable[[], object]) -> PassOutcome:
    """``work()``'s result as the photo's outcome: a failure is recorded, never raised."""
    try:
        return PassOutcome(todo.photo_id, todo.fingerprint, result=work())
    except KnownError as exc:
        return PassOutcome(todo.photo_id, todo.fingerprint, reason=str(exc) or type(exc).__name__)
    except MemoryError:
        return PassOutcome(todo.photo_id, todo.fingerprint, reason="out of memory")
    except Exception as exc:  # a pass bug on one photo must not stop the others
        logger.exception("pass %s failed on %s", p.name, todo.path)
        message = " ".join(str(exc).split())[:160]
        return PassOutcome(
            todo.photo_id,
            todo.fingerprint,
            reason=f"internal error: {type(exc).__name__}: {message}",
        )


def _draft_decode(path: str, min_side: int) -> Image.Image:
    if is_video_name(path):  # a video's passes look at its first moment (its thumbnail)
        return video_still(path, min_side=min_side)
    return decode_photo(path, min_side=min_side).image
