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
from photoalbum.core.passes.inline import InlinePasses, InlineResult
from photoalbum.core.passes.runner import PassReport, RecentImages
from photoalbum.core.ports import (
    BatchItem,
    Catalog,
    CopiedItem,
    FailedItem,
    FileInfo,
    ImageEncoder,
    IndexedItem,
    KnownFile,
    PhotoMeta,
    PhotoStatus,
    Root,
    VectorStore,
)
from photoalbum.core.scanning import walk_photos
from photoalbum.core.thumbnails import ThumbnailCache
from photoalbum.core.vector_sync import sync_store

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
    passes: InlineResult | None = None  # the inline passes' outcomes (``inline``)


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
        work, missing = self._scan(roots, report)
        if not report.cancelled:
            work = self._reuse_known_content(work, missing, report)
            self._mark_gone(missing, report)
        if not report.cancelled and work:
            self._decode_and_encode(work, report)
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
        self, roots: Iterable[Root], report: IndexReport
    ) -> tuple[list[_Work], dict[int, str]]:
        work: list[_Work] = []
        missing: dict[int, str] = {}
        revived: list[tuple[int, FileInfo, int]] = []
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
            for fi in walk_photos(Path(root.path), on_error=on_error, cancelled=self.should_stop):
                report.scanned += 1
                if report.scanned % 2000 == 0:
                    self.on_progress(IndexProgress("scan", report.scanned, 0, fi.path))
                k = known.pop(fi.path, None)
                if k is not None and k.status == PhotoStatus.REMOVED:
                    continue  # the user removed it from the library
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
            decoded = decode_photo(w.file.path, min_side=self._min_side)
            tensor = self.encoder.preprocess(decoded.image)
            if not self.thumbnails.has(fp):
                self.thumbnails.put(fp, make_thumbnail(decoded.image, self.thumb_size))
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

    def _decode_logged(self, w: _Work, alone: bool = False) -> _Decoded:
        if self.journal is None:
            d = self._decode_one(w)
        else:
            self.journal.started(w.file.path, alone=alone)
            try:
                d = self._decode_one(w)
            finally:
                self.journal.ended(w.file.path)
        if self.inline is not None and d.image is not None and d.tensor is not None:
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

    def _commit(self, batch: list[_Decoded], report: IndexReport) -> None:
        ok = [d for d in batch if d.tensor is not None]
        tensors = [d.tensor for d in ok if d.tensor is not None]  # the same, typed as arrays
        vectors = self.encoder.encode_images(np.stack(tensors)) if ok else None
        items: list[BatchItem] = []
        for d in batch:
            w = d.work
            if d.tensor is None:
                items.append(
                    FailedItem(
                        w.file, w.root_id, d.reason or "unknown error", d.fingerprint, w.photo_id
                    )
                )
        for d, vec in zip(ok, vectors if vectors is not None else [], strict=True):
            w = d.work
            assert d.meta is not None and d.fingerprint is not None
            items.append(IndexedItem(w.file, w.root_id, d.fingerprint, d.meta, vec, w.photo_id))
        ids = self.catalog.commit_batch(self.model_key, items)
        indexed_ids = [
            i for i, item in zip(ids, items, strict=True) if isinstance(item, IndexedItem)
        ]
        failed_ids = [i for i, item in zip(ids, items, strict=True) if isinstance(item, FailedItem)]
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
