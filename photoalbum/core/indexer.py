"""The indexing pipeline: scan roots, recognise moved/unchanged photos, decode once, encode, commit.

One decode per photo (draft mode, in a thread pool with bounded look-ahead) feeds the model input,
the grid thumbnail and the EXIF metadata while the encoder works on the previous batch. Each batch
is one catalog transaction; the vector index follows the catalog and is saved with the generation
it reflects, so a crash loses at most the batch in flight. A photo that crashes the decoder
itself is isolated by the next runs and recorded as failed (:mod:`photoalbum.core.decode_journal`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from photoalbum.core.decode_journal import (
    CRASH_PREFIX,
    DecodeJournal,
    Recovered,
    crash_reason,
    crash_retry_due,
    decoder_versions,
)
from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.fingerprint import fingerprint
from photoalbum.core.imaging import decode_photo, make_thumbnail
from photoalbum.core.pairing import (
    Capture,
    best_face,
    companion_role,
    group_key,
    is_face_name,
    read_capture,
)
from photoalbum.core.passes.inline import InlinePasses, InlineResult
from photoalbum.core.passes.runner import PassReport, RecentImages
from photoalbum.core.ports import (
    BatchItem,
    Catalog,
    CompanionFile,
    CopiedItem,
    FailedItem,
    FileInfo,
    ImageEncoder,
    IndexedItem,
    KnownCompanion,
    KnownFile,
    Moment,
    PhotoMeta,
    PhotoStatus,
    Root,
    VectorStore,
)
from photoalbum.core.scanning import is_video_name, walk_photos
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.video import decode_video

logger = logging.getLogger(__name__)


@dataclass
class IndexProgress:
    """One progress report: ``stage`` is "scan", "encode" or "done"."""

    stage: str
    done: int
    total: int
    current: str = ""
    rate: float = 0.0  # photos per second in the encode stage

    @property
    def is_final(self) -> bool:
        """The last report of its stage (a progress bar must show it)."""
        return self.stage == "done" or (self.total > 0 and self.done >= self.total)


@dataclass
class IndexReport:
    """What one run did."""

    scanned: int = 0
    unchanged: int = 0
    new: int = 0
    changed: int = 0
    moved: int = 0
    copied: int = 0
    touched: int = 0
    gone: int = 0
    indexed: int = 0
    failed: int = 0
    paired: int = 0  # files that became companions of an item (a RAW, a Live Photo's movie)
    failures: list[tuple[str, str]] = field(default_factory=list)
    scan_errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False
    passes: PassReport | None = None  # the background passes that ran after (Library.index)

    @property
    def rate(self) -> float:
        """Photos decoded+encoded per second over the whole run."""
        return self.indexed / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Work:
    file: FileInfo
    root_id: int
    photo_id: int | None = None
    known: KnownFile | None = None
    fingerprint: str | None = None


@dataclass
class _Decoded:
    work: _Work
    fingerprint: str | None = None
    meta: PhotoMeta | None = None
    tensor: np.ndarray | None = None
    reason: str | None = None
    image: Image.Image | None = None  # kept for the background passes (``recent``)
    full_resolution: bool = False
    # A video: ``tensor`` is (moments, 3, S, S), one row per moment at these times.
    moment_times: tuple[float, ...] | None = None
    passes: InlineResult | None = None  # the inline passes' outcomes (``inline``)


@dataclass
class _Pairing:
    """A companion file found for a face by this run's scan."""

    face: str  # the face's path
    file: CompanionFile
    work: _Work | None  # the companion's work item when the scan queued it (new or changed)


@dataclass
class _Seen:
    """What one scan saw, for finding the files that are one item (faces and companions)."""

    files: list[FileInfo] = field(default_factory=list)
    # Unchanged files catalogued as items of their own (path → id): what the catalog knows of
    # them stands in for their headers.
    items: dict[str, int] = field(default_factory=dict)
    # Unchanged companion files still with their item, by item id (as work, should they be
    # freed).
    kept: dict[int, list[_Work]] = field(default_factory=dict)

    def groups(self) -> list[list[FileInfo]]:
        """The folder+stem groups that hold a face and a companion file. Keys are made only
        when the scan saw a companion at all (a library without RAWs or movies pays nothing)."""
        wanted = {group_key(fi.path) for fi in self.files if companion_role(fi.path) is not None}
        wanted.discard(None)
        if not wanted:
            return []
        groups: dict[tuple[str, str], list[FileInfo]] = {}
        for fi in self.files:
            key = group_key(fi.path)
            if key is not None and key in wanted:
                groups.setdefault(key, []).append(fi)
        return [g for g in groups.values() if any(is_face_name(f.path) for f in g)]


ProgressFn = Callable[[IndexProgress], None]


class Indexer:
    """Brings the catalog and vector index up to date with the library's folders.

    The caller must hold the library's writer lock. Objects passed in are used from the calling
    thread only, except the encoder's ``preprocess`` and the thumbnail cache, which decode threads
    call.

    Args:
        catalog: the source of truth.
        store: the vector index for ``encoder.model_key``, or a callable that loads it: an
            unchanged rescan then never loads (or saves) the index.
        encoder: the image tower.
        thumbnails: the thumbnail cache.
        batch_size: photos per encoder call and per catalog transaction.
        decode_workers: decode threads (look-ahead is bounded to a few batches).
        on_progress: called with :class:`IndexProgress` (often: throttle in the front end).
        should_stop: polled between photos; True cancels after committing the current batch.
        wait_if_paused: called between photos; blocks while the user has paused indexing.
        save_every: seconds between vector-index saves during a long run.
        recent: where decoded images are handed to the background passes (optional).
        pass_side: the shorter side the passes want; a run of at most ``recent.capacity``
            photos (a watcher's or a drop's few photos) decodes at least that big so the passes
            need no second decode. Longer runs keep the CLIP pass's smaller, faster decode.
        journal: notes each decode, so a photo that crashes the decoder is isolated by the next
            runs and recorded as failed instead of ending every run (None: not guarded).
        inline: passes run in the decode threads on each decode (at least their size), their
            results committed with each batch (None: none).
    """

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore | Callable[[], VectorStore],
        encoder: ImageEncoder,
        thumbnails: ThumbnailCache,
        *,
        batch_size: int = 32,
        decode_workers: int | None = None,
        on_progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
        wait_if_paused: Callable[[], None] | None = None,
        save_every: float = 60.0,
        thumb_size: int = 256,
        recent: RecentImages | None = None,
        pass_side: int = 0,
        journal: DecodeJournal | None = None,
        inline: InlinePasses | None = None,
    ) -> None:
        self.catalog = catalog
        self._store_source = store
        self._store: VectorStore | None = None
        self._loaded_generation: int | None = None
        self.encoder = encoder
        self.thumbnails = thumbnails
        self.batch_size = max(1, batch_size)
        self.decode_workers = decode_workers or max(1, min(4, os.cpu_count() or 2))
        self.on_progress = on_progress or (lambda p: None)
        self.should_stop = should_stop or (lambda: False)
        self.wait_if_paused = wait_if_paused or (lambda: None)
        self.save_every = save_every
        self.thumb_size = thumb_size
        self.model_key = encoder.model_key
        self.recent = recent
        self.pass_side = pass_side
        self.journal = journal
        self.inline = inline or None
        self._min_side = max(self.encoder.input_size, self.thumb_size)

    @property
    def store(self) -> VectorStore:
        """The vector index, loaded on first use and brought in step with the catalog."""
        if self._store is None:
            src = self._store_source
            self._store = src if not callable(src) else src()
            # What is on disk: a store rebuilt in memory (its saved file was broken, or behind
            # the catalog) is saved at the end of the run even if the run changes nothing, so
            # later processes load it instead of rebuilding it too (this runs under the writer
            # lock; readers never save).
            self._loaded_generation = getattr(
                self._store, "saved_generation", self._store.generation
            )
            sync_store(self.catalog, self._store, self.model_key)
        return self._store

    # ------------------------------------------------------------------------------------------
    def run(self, roots: Sequence[Root] | None = None) -> IndexReport:
        """Scan ``roots`` (default: all), then index what is new or changed."""
        t0 = time.perf_counter()
        report = IndexReport()
        roots = list(roots) if roots is not None else self.catalog.roots()
        seen = _Seen()
        work, missing = self._scan(roots, report, seen)
        pairings: list[_Pairing] = []
        if not report.cancelled:
            work, pairings = self._find_companions(work, seen)
            work = self._reuse_known_content(work, missing, report)
            self._mark_gone(missing, report)
        if not report.cancelled and work:
            self._decode_and_encode(work, report)
            self._free_companions_of_failed_faces(work, seen, report)
        if not report.cancelled and pairings:
            self._attach_companions(pairings, report)
        if self._store is not None and self._store.generation != self._loaded_generation:
            self._store.save(self.catalog.generation(self.model_key))
        report.seconds = time.perf_counter() - t0
        self.on_progress(
            IndexProgress(
                "done",
                report.indexed + report.failed,
                report.indexed + report.failed,
                rate=report.rate,
            )
        )
        return report

    # --- stage 1: scan (stat only) -------------------------------------------------------------
    def _scan(
        self, roots: Iterable[Root], report: IndexReport, seen: _Seen
    ) -> tuple[list[_Work], dict[int, str]]:
        work: list[_Work] = []
        missing: dict[int, str] = {}
        revived: list[tuple[int, FileInfo, int]] = []
        # Unchanged companion files, with their root: one whose item is gone is unpaired.
        kept: list[tuple[str, KnownCompanion, FileInfo, int]] = []
        unpaired: list[str] = []
        failed: list[_Work] = []  # unchanged photos that failed: a decoder crash may be retried

        def on_error(path: str, reason: str) -> None:
            report.scan_errors.append((path, reason))

        for root in roots:
            if not os.path.isdir(root.path):
                # An unplugged drive must not mark the whole folder gone.
                logger.warning(
                    "folder %s is not reachable; leaving its photos as they are", root.path
                )
                report.scan_errors.append((root.path, "folder not reachable (skipped)"))
                continue
            known = self.catalog.known_files(root.id)
            companions = self.catalog.known_companions(root.id)
            for fi in walk_photos(Path(root.path), on_error=on_error, cancelled=self.should_stop):
                report.scanned += 1
                if report.scanned % 2000 == 0:
                    self.on_progress(IndexProgress("scan", report.scanned, 0, fi.path))
                kc = companions.pop(fi.path, None) if companions else None
                if kc is not None:
                    if kc.size == fi.size and kc.mtime_ns == fi.mtime_ns:
                        report.unchanged += 1
                        kept.append((fi.path, kc, fi, root.id))
                        seen.files.append(fi)
                        continue
                    unpaired.append(fi.path)  # changed: paired again, or an item of its own
                k = known.pop(fi.path, None)
                if k is not None and k.status == PhotoStatus.REMOVED:
                    continue  # the user removed it from the library
                seen.files.append(fi)
                if k is None:
                    report.new += 1
                    work.append(_Work(fi, root.id))
                elif k.size == fi.size and k.mtime_ns == fi.mtime_ns:
                    if k.status == PhotoStatus.GONE:
                        revived.append((k.id, fi, root.id))
                    elif k.status == PhotoStatus.PENDING:
                        work.append(_Work(fi, root.id, k.id, k, k.fingerprint))
                    elif k.status == PhotoStatus.FAILED:
                        failed.append(_Work(fi, root.id, k.id, k))
                    else:
                        report.unchanged += 1
                    if k.status != PhotoStatus.PENDING:
                        seen.items[fi.path] = k.id
                else:
                    report.changed += 1
                    work.append(_Work(fi, root.id, k.id, k))
            retry = self._crashed_under_other_decoders(failed)
            report.unchanged += len(failed) - len(retry)
            report.changed += len(retry)
            work.extend(retry)
            failed.clear()
            if self.should_stop():
                report.cancelled = True
                return work, missing
            for path, k in known.items():
                if k.status not in (PhotoStatus.GONE, PhotoStatus.REMOVED):
                    missing[k.id] = path
            unpaired.extend(companions)  # companion files no longer there
        # A companion whose item's face is gone (deleted, or moved away from it) is an item of
        # its own from now on.
        for path, kc, fi, root_id in kept:
            if kc.photo_id in missing:
                unpaired.append(path)
                report.unchanged -= 1
                report.new += 1
                work.append(_Work(fi, root_id))
            else:
                seen.kept.setdefault(kc.photo_id, []).append(_Work(fi, root_id))
        self.catalog.detach_companions(unpaired)
        for photo_id, fi, root_id in revived:  # came back unchanged: keep id and vector
            self.catalog.move_photo(photo_id, fi, root_id)
            report.moved += 1
        if revived:
            sync_store(self.catalog, self.store, self.model_key)
        # Photos indexed for another model (model change) need a fresh encode.
        queued = {w.photo_id for w in work if w.photo_id is not None}
        stale = [i for i in self.catalog.pending_ids(self.model_key) if i not in queued]
        for photo in self.catalog.photos(stale):
            if photo.id in missing:
                continue
            fi = FileInfo(photo.path, photo.size, photo.mtime_ns)
            work.append(_Work(fi, photo.root_id, photo.id, None, photo.fingerprint))
        self.on_progress(IndexProgress("scan", report.scanned, report.scanned))
        return work, missing

    # --- stage 1b: companion files (RAW+JPEG pairs, Live Photos) --------------------------------
    def _find_companions(
        self, work: list[_Work], seen: _Seen
    ) -> tuple[list[_Work], list[_Pairing]]:
        """The companions found among the files in a folder+stem group with a face: new or
        changed files (taken out of ``work``), and unchanged items of their own (absorbed when
        attached: a catalog from before pairs, or a face that came after its RAW).

        A new or changed file's capture is read from its header; an unchanged item's is what
        the catalog recorded when it was indexed, so an unchanged rescan opens no file.
        """
        groups = seen.groups()
        if not groups:
            return work, []
        queued = {w.file.path: w for w in work}
        ids = [seen.items[f.path] for g in groups for f in g if f.path in seen.items]
        items = {p.path: p for p in self.catalog.photos(ids)} if ids else {}
        captures: dict[str, Capture | None] = {}

        def capture(fi: FileInfo) -> Capture | None:
            if fi.path not in captures:
                item = items.get(fi.path)
                if fi.path in queued:
                    captures[fi.path] = read_capture(fi.path, fi.mtime_ns)
                elif item is not None and item.meta is not None:
                    m = item.meta
                    captures[fi.path] = Capture(
                        m.taken_at, m.taken_offset, None, m.duration_s, item.mtime_ns
                    )
                else:  # an item that failed, or a file already a companion
                    captures[fi.path] = None
            return captures[fi.path]

        pairings: list[_Pairing] = []
        for group in groups:
            companions = [f for f in group if companion_role(f.path) is not None]
            faces = [f for f in group if is_face_name(f.path)]
            for fi in companions:
                if fi.path not in queued and fi.path not in seen.items:
                    continue  # already a companion, unchanged
                own = capture(fi)
                if own is None:
                    continue
                role = companion_role(fi.path) or ""
                known = [(f.path, c) for f in faces if (c := capture(f)) is not None]
                face = best_face(own, role, known)
                if face is not None:
                    file = CompanionFile(fi.path, role, fi.size, fi.mtime_ns)
                    pairings.append(_Pairing(face, file, queued.get(fi.path)))
        if pairings:
            taken = {p.file.path for p in pairings}
            work = [w for w in work if w.file.path not in taken]
            logger.info("%d file(s) are companions of a photo (RAW, Live Photo)", len(pairings))
        return work, pairings

    def _attach_companions(self, pairings: list[_Pairing], report: IndexReport) -> None:
        """Attach companions to their faces' items, now that every face has its row; the
        companion of a face that could not be indexed is indexed as an item of its own."""
        by_face: dict[str, list[_Pairing]] = {}
        for p in pairings:
            by_face.setdefault(p.face, []).append(p)
        alone: list[_Work] = []
        absorbed = False
        for face, found in by_face.items():
            item = self.catalog.photo_by_path(face)
            if item is None or item.path != face or item.status != PhotoStatus.INDEXED:
                alone.extend(p.work for p in found if p.work is not None)
                continue
            self.catalog.attach_companions(item.id, [p.file for p in found])
            report.paired += len(found)
            absorbed = absorbed or any(p.work is None or p.work.photo_id for p in found)
        if absorbed:  # files that were items of their own: their vectors go
            sync_store(self.catalog, self.store, self.model_key)
        if alone:
            alone = self._reuse_known_content(alone, {}, report)
            if alone:
                self._decode_and_encode(alone, report)

    def _free_companions_of_failed_faces(
        self, work: list[_Work], seen: _Seen, report: IndexReport
    ) -> None:
        """A face changed into a file that cannot be read hides its item from search: its
        companions become items of their own (and join it again once the face is fixed)."""
        changed = [w.photo_id for w in work if w.photo_id is not None and w.photo_id in seen.kept]
        if not changed or report.cancelled:
            return
        failed = [p.id for p in self.catalog.photos(changed) if p.status == PhotoStatus.FAILED]
        freed = [w for i in failed for w in seen.kept[i]]
        if not freed:
            return
        self.catalog.detach_companions([w.file.path for w in freed])
        report.unchanged -= len(freed)
        report.new += len(freed)
        freed = self._reuse_known_content(freed, {}, report)
        if freed:
            self._decode_and_encode(freed, report)

    # --- stage 2: fingerprints → moved / copied / touched ----------------------------------------
    def _reuse_known_content(
        self, work: list[_Work], missing: dict[int, str], report: IndexReport
    ) -> list[_Work]:
        need = [w for w in work if w.fingerprint is None]
        if not need:
            return work
        with ThreadPoolExecutor(self.decode_workers) as pool:
            fps = list(pool.map(_safe_fingerprint, need))
        for w, fp in zip(need, fps, strict=True):
            w.fingerprint = fp
        # Same content, new mtime (touched, copied back): nothing to encode.
        remaining: list[_Work] = []
        for w in work:
            k = w.known
            if (
                k is not None
                and w.fingerprint is not None
                and k.fingerprint == w.fingerprint
                and k.status == PhotoStatus.INDEXED
                and w.photo_id is not None
            ):
                self.catalog.touch_photo(w.photo_id, w.file)
                report.touched += 1
                report.changed -= 1
            else:
                remaining.append(w)
        fps_wanted = sorted({w.fingerprint for w in remaining if w.fingerprint})
        matches = self.catalog.find_by_fingerprint(fps_wanted, self.model_key) if fps_wanted else {}
        if not matches:
            return remaining
        gone_ids = self._gone_ids(matches.values())
        out: list[_Work] = []
        copies: list[BatchItem] = []
        moved_any = False
        for w in remaining:
            src = matches.get(w.fingerprint or "")
            if src is None or src == w.photo_id:
                out.append(w)
                continue
            if w.photo_id is None and (src in missing or src in gone_ids):
                self.catalog.move_photo(src, w.file, w.root_id)
                missing.pop(src, None)
                gone_ids.discard(src)
                report.moved += 1
                report.new -= 1
                moved_any = True
            else:
                copies.append(CopiedItem(w.file, w.root_id, w.fingerprint or "", src, w.photo_id))
                report.copied += 1
                if w.photo_id is None:
                    report.new -= 1
        if copies:
            for i in range(0, len(copies), 500):
                self.catalog.commit_batch(self.model_key, copies[i : i + 500])
        if copies or moved_any:
            sync_store(self.catalog, self.store, self.model_key)
        return out

    def _gone_ids(self, ids: Iterable[int]) -> set[int]:
        photos = self.catalog.photos(sorted(set(ids)))
        return {p.id for p in photos if p.status == PhotoStatus.GONE}

    def _mark_gone(self, missing: dict[int, str], report: IndexReport) -> None:
        if not missing:
            return
        ids = sorted(missing)
        self.catalog.mark_gone(ids)
        if any(is_video_name(p) for p in missing.values()):
            sync_store(self.catalog, self.store, self.model_key)  # its moments go too
        else:
            self.store.remove(np.asarray(ids, dtype=np.int64))
            self.store.generation = self.catalog.generation(self.model_key)
        report.gone += len(ids)

    def _crashed_under_other_decoders(self, failed: list[_Work]) -> list[_Work]:
        """Of the unchanged ``failed`` photos, those recorded as crashing the decoder under
        other decoder library versions: an upgrade may have fixed the crash, so they are tried
        again (a photo that still crashes is isolated again by the journal)."""
        if not failed:
            return []
        ids = [w.photo_id for w in failed if w.photo_id is not None]
        reasons = {p.id: p.reason for p in self.catalog.photos(ids)}
        if not any(r and r.startswith(CRASH_PREFIX) for r in reasons.values()):
            return []
        versions = decoder_versions()
        retry = [
            w
            for w in failed
            if w.photo_id is not None and crash_retry_due(reasons.get(w.photo_id), versions)
        ]
        if retry:
            logger.info(
                "trying %d photo(s) again that crashed other decoder versions (now %s)",
                len(retry),
                versions,
            )
        return retry

    # --- stage 3: decode (threads) + encode (batches) + commit -----------------------------------
    def _decode_one(self, w: _Work) -> _Decoded:
        try:
            fp = w.fingerprint or fingerprint(w.file.path, w.file.size)
        except OSError as exc:
            return _Decoded(w, reason=_os_reason(exc))
        try:
            if is_video_name(w.file.path):
                return self._decode_video(w, fp)
            decoded = decode_photo(w.file.path, min_side=self._min_side)
            # Decoded larger for the passes (a 12 MP JPEG at 1000×750, not 500×375), the
            # model input and the thumbnail are made from a box-reduced copy of about the
            # passes-off decode's size: resampling 4× the pixels cost 7 ms more a photo.
            small = _reduced(decoded.image, max(self.encoder.input_size, self.thumb_size))
            tensor = self.encoder.preprocess(small)
            if not self.thumbnails.has(fp):
                self.thumbnails.put(fp, make_thumbnail(small, self.thumb_size))
        except PhotoDecodeError as exc:
            return _Decoded(w, fingerprint=fp, reason=exc.reason)
        except OSError as exc:  # thumbnail cache write (disk full) is not the photo's fault
            if getattr(exc, "filename", None) and str(exc.filename).startswith(
                str(self.thumbnails.root)
            ):
                raise
            return _Decoded(w, fingerprint=fp, reason=_os_reason(exc))
        out = _Decoded(w, fingerprint=fp, meta=decoded.meta, tensor=tensor)
        if self.recent is not None or self.inline is not None:
            out.image = decoded.image
            out.full_resolution = decoded.image.size == (decoded.meta.width, decoded.meta.height)
        return out

    def _decode_video(self, w: _Work, fp: str) -> _Decoded:
        """A video's moments (each a model input; the first is the thumbnail and the image the
        passes get). Raises PhotoDecodeError as :meth:`_decode_one` expects."""
        video = decode_video(w.file.path, min_side=max(self.encoder.input_size, self.thumb_size))
        tensor = np.stack([self.encoder.preprocess(m.image) for m in video.moments])
        first = video.moments[0].image
        if not self.thumbnails.has(fp):
            self.thumbnails.put(fp, make_thumbnail(first, self.thumb_size))
        out = _Decoded(w, fingerprint=fp, meta=video.meta, tensor=tensor)
        out.moment_times = tuple(m.time_s for m in video.moments)
        if self.recent is not None:
            out.image = first
        return out

    def _decode_logged(self, w: _Work, alone: bool = False) -> _Decoded:
        if self.journal is None:
            d = self._decode_one(w)
        else:
            self.journal.started(w.file.path, alone=alone)
            try:
                d = self._decode_one(w)
            finally:
                self.journal.ended(w.file.path)
        if (
            self.inline is not None
            and d.image is not None
            and d.tensor is not None
            and d.moment_times is None  # a video's passes read its moments after indexing
        ):
            # Outside the journal's guard: the decoder did its work.
            d.passes = self.inline.process(d.image, w.photo_id, w.file.path)
            if self.recent is None:
                d.image = None
        return d

    def _decode_and_encode(self, work: list[_Work], report: IndexReport) -> None:
        sync_store(self.catalog, self.store, self.model_key)
        total = len(work)
        base_side = max(self.encoder.input_size, self.thumb_size)
        small_run = self.recent is not None and total <= self.recent.capacity
        self._min_side = max(base_side, self.pass_side) if small_run else base_side
        if self.inline is not None:
            self._min_side = max(self._min_side, self.inline.min_side)
        # Photos in flight when an earlier process died: decoded last and alone, and the one a
        # process died decoding alone is not opened again.
        dead = self.journal.recover() if self.journal is not None else Recovered()
        culprits = [w for w in work if w.file.path in dead.culprits]
        suspects = [w for w in work if w.file.path in dead.suspects]
        skip = dead.photos
        normal = [w for w in work if w.file.path not in skip]
        done = 0
        if culprits:
            logger.warning(
                "not decoding %d photo(s) that crashed the decoder: %s",
                len(culprits),
                ", ".join(w.file.path for w in culprits[:5]),
            )
            reason = crash_reason(decoder_versions())
            self._commit(
                [_Decoded(w, _safe_fingerprint(w), reason=reason) for w in culprits], report
            )
            done += len(culprits)
        t_start = time.perf_counter()
        last_save = t_start
        batch: list[_Decoded] = []
        session = (
            self.journal.session([w.file.path for w in suspects], dead.deaths)
            if self.journal is not None
            else contextlib.nullcontext()
        )
        with session, ThreadPoolExecutor(self.decode_workers, thread_name_prefix="decode") as pool:
            for d in self._decoded(normal, suspects, pool, report):
                if d is None:  # a lone decode next: commit first, in case it kills the process
                    if batch:
                        self._commit(batch, report)
                        batch = []
                    continue
                batch.append(d)
                done += 1
                if len(batch) >= self.batch_size:
                    self._commit(batch, report)
                    batch = []
                    rate = report.indexed / max(1e-9, time.perf_counter() - t_start)
                    self.on_progress(IndexProgress("encode", done, total, d.work.file.path, rate))
                    if time.perf_counter() - last_save > self.save_every:
                        self.store.save(self.catalog.generation(self.model_key))
                        last_save = time.perf_counter()
            if batch:
                self._commit(batch, report)
        rate = report.indexed / max(1e-9, time.perf_counter() - t_start)
        self.on_progress(IndexProgress("encode", done, total, "", rate))

    def _decoded(
        self, work: list[_Work], alone: list[_Work], pool: ThreadPoolExecutor, report: IndexReport
    ) -> Iterator[_Decoded | None]:
        """Decoded photos in order: ``work`` through the pool (bounded look-ahead), then ``alone``
        one at a time in this thread, each after a None (commit now); stops early
        (``report.cancelled``) when asked to."""
        lookahead = self.batch_size * 2 + self.decode_workers
        pending: deque[Future[_Decoded]] = deque()
        it = iter(work)

        def refill() -> None:
            while len(pending) < lookahead:
                w = next(it, None)
                if w is None:
                    return
                pending.append(pool.submit(self._decode_logged, w))

        def stopping() -> bool:
            self.wait_if_paused()
            if self.should_stop():
                report.cancelled = True
                for f in pending:
                    f.cancel()
                return True
            return False

        refill()
        while pending:
            if stopping():
                return
            d = pending.popleft().result()
            refill()
            yield d
        for w in alone:
            yield None  # commit what came before: this decode may kill the process
            if stopping():
                return
            yield self._decode_logged(w, alone=True)

    def _encode(self, ok: list[_Decoded]) -> list[np.ndarray]:
        """Each decoded item's vectors, (1, dim) for a photo and (moments, dim) for a video,
        encoded ``batch_size`` images at a time."""
        rows = [
            d.tensor[None] if d.moment_times is None else d.tensor
            for d in ok
            if d.tensor is not None
        ]
        if not rows:
            return []
        images = np.concatenate(rows)
        step = max(self.batch_size, 1)
        parts = [
            self.encoder.encode_images(images[i : i + step]) for i in range(0, len(images), step)
        ]
        flat = np.concatenate(parts)
        out, at = [], 0
        for r in rows:
            out.append(flat[at : at + len(r)])
            at += len(r)
        return out

    def _commit(self, batch: list[_Decoded], report: IndexReport) -> None:
        ok = [d for d in batch if d.tensor is not None]
        encoded = self._encode(ok)
        vectors = np.stack([e[0] for e in encoded]) if ok else None
        items: list[BatchItem] = []
        for d in batch:
            w = d.work
            if d.tensor is None:
                items.append(
                    FailedItem(
                        w.file, w.root_id, d.reason or "unknown error", d.fingerprint, w.photo_id
                    )
                )
        for d, vec, all_vecs in zip(
            ok, vectors if vectors is not None else [], encoded, strict=True
        ):
            w = d.work
            assert d.meta is not None and d.fingerprint is not None
            moments = (
                ()
                if d.moment_times is None
                else tuple(Moment(t, v) for t, v in zip(d.moment_times, all_vecs, strict=True))
            )
            items.append(
                IndexedItem(w.file, w.root_id, d.fingerprint, d.meta, vec, w.photo_id, moments)
            )
        ids = self.catalog.commit_batch(self.model_key, items)
        indexed_ids = [
            i for i, item in zip(ids, items, strict=True) if isinstance(item, IndexedItem)
        ]
        failed_ids = [i for i, item in zip(ids, items, strict=True) if isinstance(item, FailedItem)]
        if any(is_video_name(d.work.file.path) for d in batch):
            # A video's moments have labels only the catalog knows (and a changed or failed
            # video's old moments must go): the store follows the catalog's changes instead.
            sync_store(self.catalog, self.store, self.model_key)
        else:
            if indexed_ids:
                assert vectors is not None
                self.store.add(np.asarray(indexed_ids, dtype=np.int64), vectors)
            if failed_ids:
                self.store.remove(np.asarray(failed_ids, dtype=np.int64))
            # The store now holds exactly what this commit made live.
            self.store.generation = self.catalog.generation(self.model_key)
        for item in items:
            if isinstance(item, FailedItem):
                report.failures.append((item.file.path, item.reason))
        report.indexed += len(indexed_ids)
        report.failed += len(failed_ids)
        if self.recent is not None:  # indexed items are in ``ok``'s order
            for d, pid in zip(ok, indexed_ids, strict=True):
                # Only images the passes can use: big enough, or the photo's full resolution.
                if d.image is not None and (
                    d.full_resolution or min(d.image.size) >= self.pass_side
                ):
                    self.recent.offer(pid, d.fingerprint, d.image, d.full_resolution)
        if self.inline is not None:
            self.inline.commit(
                [
                    (pid, d.fingerprint, d.work.file.path, d.passes)
                    for d, pid in zip(ok, indexed_ids, strict=True)
                    if d.passes is not None
                ]
            )
        for d in batch:
            d.image = None


def _reduced(image: Image.Image, side: int) -> Image.Image:
    """``image`` box-reduced by the largest whole factor that keeps its shorter side at least
    ``side`` (as :func:`~photoalbum.core.imaging.decode_photo` reduces); itself when none."""
    factor = min(image.size) // side
    return image.reduce(factor) if factor >= 2 else image


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _safe_fingerprint(w: _Work) -> str | None:
    try:
        return fingerprint(w.file.path, w.file.size)
    except OSError:
        return None  # decoding will record the reason
