"""Two-stage search: ANN candidates with the combined query vector, then exact per-term rescoring.

Stage 1 asks the vector index for candidates near the combined query vector, with metadata
filters applied inside the ANN search (an allowed-id set). Stage 2 adds what the ANN cannot know:
every positive and negative term is scored exactly against each candidate (standardised against
the library's own score distribution for that term, so a text term and an image term weigh alike;
a lone term whose stage-2 vector is the ANN query keeps the exact scores the store computed, so
only keyword hits outside the pool have their vectors read),
text terms use a prompt ensemble, and keyword matches add evidence: words read in the photo
(by the text pass), its file or folder name or camera (an in-memory inverted index, patched
for the photos whose texts changed when the catalog's keyword revision or the index generation
moves; looked up in a thread while the text tower runs). The keyword ranking is fused with the
CLIP ranking by weighted reciprocal-rank fusion, so the photos that show the words asked for
rank first while CLIP orders the rest.
Results are cut where the score falls back into the library's background distribution, not at a
fixed threshold.
Videos: the store holds one vector per moment (labels: :mod:`photoalbum.core.moments`); every
moment is a candidate and scored like a photo, and a video is returned once, at its best moment
(``SearchHit.moment_s``). Text read in a video is evidence for the moment it was read in: when
the keyword ranking is what puts the video first, that moment is the one returned.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from photoalbum.core.errors import KnownError, PhotoDecodeError, UserError
from photoalbum.core.imaging import decode_image_bytes, decode_photo
from photoalbum.core.keyword_postings import KeywordLookup, KeywordPostings
from photoalbum.core.moments import MomentIndex
from photoalbum.core.ports import (
    Catalog,
    ImageEncoder,
    Photo,
    PhotoFilter,
    TextEncoder,
    VectorStore,
)
from photoalbum.core.query import Query, Term, require_positive
from photoalbum.core.query_understanding import Understood
from photoalbum.core.text.matching import text_moment
from photoalbum.core.text_gap import (
    GAP_CAPTIONS,
    POOL_FACTOR,
    SAVE_AFTER,
    TextGap,
    gap_direction,
    load_gap,
    save_gap,
)
from photoalbum.core.vectorstore import auto_ef

logger = logging.getLogger(__name__)

#: Prompt ensemble for text terms in stage 2 (the raw text is always included), e.g.
#: ("a photo of {}.",). Off by default: each template is another pass of the text tower, which
#: is most of a query's latency on a laptop CPU; enable it where quality matters more.
DEFAULT_TEMPLATES: tuple[str, ...] = ()

#: Below this many photos there is no meaningful background distribution: no cut-off.
MIN_BACKGROUND = 8

#: Reciprocal-rank fusion constant (Cormack et al.'s 60): rank r contributes weight / (RRF_K + r).
RRF_K = 60


@dataclass(frozen=True)
class SearchHit:
    """One result: the photo, its final score (in background standard deviations) and details."""

    photo: Photo
    score: float
    term_scores: tuple[float, ...]  # exact cosine per query term, in query order
    keyword: bool = False  # words read in the photo, or its file/folder name or camera, matched
    moment_s: float | None = None  # a video's best-matching moment (seconds from its start)


@dataclass
class SearchResult:
    """Ranked hits plus how the cut-off was applied."""

    hits: list[SearchHit]
    query: Query
    candidates: int = 0
    cut: int = 0  # candidates dropped by the relevance cut-off
    threshold: float | None = None
    generation: int = -1
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    understood: Understood | None = None  # how the query's text was read (dates, places …)


#: Vectors read from the catalog: (ids ascending, vectors, mask of the ids that have one).
_Read = tuple[np.ndarray, np.ndarray, np.ndarray]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _LRU(OrderedDict[_K, _V]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: _K, make: Callable[[], _V]) -> _V:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _term_key(term: Term) -> Hashable:
    """A term's cache key; an image file's also holds its size and mtime, so a file changed since
    (same path, new picture) is encoded again instead of answering with the old vector."""
    if term.image_path is None:
        return term.key()
    try:
        st = os.stat(term.image_path)
    except OSError:
        return term.key()  # encoding reports the missing file
    return (*term.key(), st.st_size, st.st_mtime_ns)


def _cosines(rows: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """``rows @ terms.T`` in numpy's own loop, on this thread.

    A (2048, 512) by (512, terms) product is big enough for OpenBLAS to wake its threads, and
    on a busy 2-core machine waiting for them took 14-16 ms of a search; this loop takes 0.4 ms.
    Its sums run in another order: cosines differ from BLAS's in the 7th digit.
    """
    return np.einsum("ij,kj->ik", rows, terms)


def _finite(pair: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if not (np.all(np.isfinite(pair[0])) and np.all(np.isfinite(pair[1]))):
        raise KnownError(
            "the query vector is not finite: the model's files look damaged; prepare or "
            "install the model again ('photoalbum model prepare')"
        )
    return pair


class _Stopped(Exception):
    """The searcher was closed while it made its text gap."""


class Searcher:
    """Answers queries over one library's vectors for one model.

    Args:
        catalog: photo metadata, filters and keyword matches.
        store: the vector index (already in step with the catalog).
        text_encoder / image_encoder: callables returning the encoder (loaded lazily on first use,
            so a text-only search never loads the image tower).
        candidates: stage-1 pool size is ``max(candidates, 4 * k)``.
        min_z: the relevance cut-off, in standard deviations of the library's background scores.
        keyword_weight: bonus (in those units) for a photo whose name/folder/camera matches all words.
        text_gap: the gap another searcher of the same store's model made (patched, not rebuilt).
        gap_cache: the file a made gap is kept in between sessions (None: not kept).
    """

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        model_key: str,
        text_encoder: Callable[[], TextEncoder],
        image_encoder: Callable[[], ImageEncoder],
        *,
        candidates: int = 200,
        min_z: float = 1.5,
        keyword_weight: float = 3.0,
        templates: Sequence[str] = DEFAULT_TEMPLATES,
        background_size: int = 2048,
        seed: int = 0,
        text_gap: TextGap | None = None,
        gap_cache: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.model_key = model_key
        self._text_encoder = text_encoder
        self._image_encoder = image_encoder
        self.candidates = candidates
        self.min_z = min_z
        self.keyword_weight = keyword_weight
        self.templates = tuple(templates)
        self.background_size = background_size
        self._rng_seed = seed
        self._vectors: _LRU[Hashable, tuple[np.ndarray, np.ndarray]] = _LRU(256)
        self._results: _LRU[Hashable, SearchResult] = _LRU(64)
        self._background: tuple[int, np.ndarray, np.ndarray] | None = None
        self._keywords: tuple[tuple[int, int], KeywordPostings] | None = None
        self._moments: tuple[int, MomentIndex] | None = None
        self._kw_thread: ThreadPoolExecutor | None = None
        self._inflight: dict[Hashable, Future[tuple[np.ndarray, np.ndarray]]] = {}
        self._encode_thread: ThreadPoolExecutor | None = None
        self._gap = text_gap
        self._gap_cache = gap_cache
        self._gap_job: threading.Thread | None = None
        self._closed = threading.Event()

    def moment_index(self) -> MomentIndex:
        """Every live moment's (label, video, time), read once per store generation."""
        gen = self.store.generation
        if self._moments is None or self._moments[0] != gen:
            self._moments = (gen, MomentIndex(*self.catalog.moment_map(self.model_key)))
        return self._moments[1]

    # --- term vectors -------------------------------------------------------------------------
    def term_vectors(self, term: Term) -> tuple[np.ndarray, np.ndarray]:
        """(stage-1 vector, stage-2 vector) of a term, both unit length; cached.

        Raises:
            KnownError: the vector is not finite (NaN weights in a damaged model).
        """
        key = _term_key(term)
        job = self._inflight.pop(key, None)
        if job is not None and key not in self._vectors:
            return self._vectors.get_or(key, job.result)  # raises what encoding raised
        return self._vectors.get_or(key, lambda: self._encoded(term))

    def _encoded(self, term: Term) -> tuple[np.ndarray, np.ndarray]:
        return _finite(self._encode_term(term))

    def prefetch(self, terms: Sequence[Term]) -> None:
        """Start encoding the text ``terms`` on a thread: the caller has other work before it
        asks :meth:`term_vectors` (the text tower releases the GIL)."""
        for term in terms:
            key = _term_key(term)
            if term.text is None or key in self._vectors or key in self._inflight:
                continue
            if self._encode_thread is None:
                self._encode_thread = ThreadPoolExecutor(1, thread_name_prefix="encode")
            self._inflight[key] = self._encode_thread.submit(self._encoded, term)
        if len(self._inflight) > 16:  # prefetched, never asked for (the query changed)
            self._inflight = {k: j for k, j in self._inflight.items() if not j.done()}

    def _encode_term(self, term: Term) -> tuple[np.ndarray, np.ndarray]:
        if term.text is not None:
            texts = [term.text] + [t.format(term.text) for t in self.templates]
            vecs = self._text_encoder().encode_texts(texts)
            raw = _unit(vecs[0].astype(np.float32))
            return raw, _unit(vecs.mean(axis=0).astype(np.float32))
        if term.photo_id is not None:
            got = self._vectors_of(np.asarray([term.photo_id], dtype=np.int64))
            if not np.any(got):
                raise UserError(f"photo {term.photo_id} has no vector in this library")
            return got[0], got[0]
        if term.image_path is not None:
            known = self.catalog.photo_by_path(term.image_path)
            if known is not None:  # a library photo: its stored vector, no decode
                got = self._vectors_of(np.asarray([known.id], dtype=np.int64))
                if np.any(got):
                    return got[0], got[0]
        enc = self._image_encoder()
        try:
            if term.image_bytes is not None:
                decoded = decode_image_bytes(
                    term.image_bytes, min_side=enc.input_size, name=term.label or None
                )
            elif term.image_path is not None:
                decoded = decode_photo(term.image_path, min_side=enc.input_size)
            else:  # pragma: no cover - Term always has one kind
                raise UserError("empty image term")
        except PhotoDecodeError as exc:
            raise UserError(
                f"cannot use {term.label or 'the image'} as a query: {exc.reason}"
            ) from None
        v = _unit(enc.encode_images(enc.preprocess(decoded.image)[None])[0].astype(np.float32))
        return v, v

    def _vectors_of(self, ids: np.ndarray) -> np.ndarray:
        """Vectors of ``ids`` in that order (zero rows where missing), read from the catalog."""
        return self._read_vectors(ids)[0]

    def _read_vectors(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(vectors of ``ids`` in that order, mask of the ids that have one), read from the
        catalog; rows without one (never encoded, or garbled: the catalog leaves those out)
        are zero.

        The catalog is the source of truth and reads a few hundred blobs faster than the ANN
        index can hand back its copies.
        """
        out = np.zeros((len(ids), self.store.dim), dtype=np.float32)
        have = np.zeros(len(ids), dtype=bool)
        if len(ids) == 0:
            return out, have
        got_ids, got = self.catalog.label_vectors(self.model_key, [int(i) for i in ids])
        if len(got_ids):
            pos = {int(i): n for n, i in enumerate(got_ids)}
            rows = [pos.get(int(i), -1) for i in ids]
            have = np.asarray([r >= 0 for r in rows])
            out[have] = got[[r for r in rows if r >= 0]]
        return out, have

    def _read_vectors_with(
        self, ids: np.ndarray, read: _Read | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_read_vectors` of ``ids``, taking those in ``read`` (read earlier in this
        search) from there."""
        if read is None or len(read[0]) == 0 or len(ids) == 0:
            return self._read_vectors(ids)
        at = np.minimum(np.searchsorted(read[0], ids), len(read[0]) - 1)
        known = read[0][at] == ids
        if known.all():
            return read[1][at], read[2][at]
        out = np.zeros((len(ids), self.store.dim), dtype=np.float32)
        have = np.zeros(len(ids), dtype=bool)
        out[known], have[known] = read[1][at[known]], read[2][at[known]]
        out[~known], have[~known] = self._read_vectors(ids[~known])
        return out, have

    def _look_up_keywords(
        self, index: KeywordPostings, words: Sequence[str], limit: int
    ) -> tuple[KeywordLookup, _Read]:
        """The keyword look-up (:meth:`KeywordPostings.lookup`) and the vectors of the photos
        it ranks best, read now (beside the text tower) for stage 2: the keyword hits outside
        the ANN pool are among them (candidates' matches only push others out)."""
        lookup = index.lookup(words, limit)
        best = np.asarray(sorted(index.with_candidates(lookup)), dtype=np.int64)
        return lookup, (best, *self._read_vectors(best))

    def _exact_cosines(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        known: tuple[np.ndarray, np.ndarray] | None,
        read: _Read | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """((len(ids), terms) cosines of the candidates with the term ``vectors``, mask of the
        candidates scored); ``known``: (ids, exact scores) of the single term from the store,
        reused where present; ``read``: vectors read earlier in this search. A candidate
        without a usable vector is not scored."""
        if known is None:
            vecs, have = self._read_vectors_with(ids, read)
            return _cosines(vecs, vectors), have
        score_of = dict(zip(known[0].tolist(), known[1].tolist(), strict=True))
        out = np.empty((len(ids), 1), dtype=np.float32)
        scored = np.ones(len(ids), dtype=bool)
        missing = []
        for row, i in enumerate(ids.tolist()):
            score = score_of.get(i)
            if score is None:
                missing.append(row)
            else:
                out[row, 0] = score
        if missing:
            rows = np.asarray(missing, dtype=np.int64)
            vecs, have = self._read_vectors_with(ids[rows], read)
            out[rows] = _cosines(vecs, vectors)
            scored[rows] = have
        return out, scored

    def keyword_hits(
        self,
        words: Sequence[str],
        limit: int,
        candidates: Sequence[int] | np.ndarray = (),
        revision: int | None = None,
    ) -> dict[int, float]:
        """{photo id: keyword strength} (0 = none; 1 = every word in names/folder/camera; up to 2
        when the words are read in the photo): the best ``limit``, plus the ``candidates`` that
        match (see :meth:`KeywordPostings.match`). ``revision``: the catalog's keyword revision
        if the caller has just read it."""
        return self._keyword_index(revision).match(words, limit, candidates)

    def _keyword_thread(self) -> ThreadPoolExecutor:
        """The thread that looks keywords up beside the text tower (started on first use)."""
        if self._kw_thread is None:
            self._kw_thread = ThreadPoolExecutor(1, thread_name_prefix="keywords")
        return self._kw_thread

    def _keyword_index(self, revision: int | None) -> KeywordPostings:
        """The keyword index, built on first use and patched (the photos whose texts changed)
        when the catalog's keyword revision or the index generation moved."""
        if revision is None:
            revision = self.catalog.keyword_revision()
        key = (self.store.generation, revision)
        if self._keywords is not None and self._keywords[0] == key:
            return self._keywords[1]
        t0 = time.perf_counter()
        texts = self.catalog.keyword_texts(self.model_key)
        if self._keywords is None:
            index = KeywordPostings(*texts)
            logger.debug(
                "keyword index of %d photos built in %.3f s", len(index), time.perf_counter() - t0
            )
        else:
            index = self._keywords[1]
            changed = index.update(*texts)
            logger.debug(
                "keyword index: %d photos re-indexed in %.3f s", changed, time.perf_counter() - t0
            )
        self._keywords = (key, index)
        return index

    # --- the text gap (a cheaper walk for text queries in a large store) ------------------------
    def text_gap(self) -> TextGap | None:
        """The text gap as last made (None: not yet); it may lag the store's generation."""
        return self._gap

    def stage1(
        self, qvec: np.ndarray, pool: int, allowed: np.ndarray | None = None, *, like: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ANN pool of a combined query vector: (labels, scores), best first; a text query
        (``like`` False) in a large store walks with the gap removed."""
        gap = None if like else self._ready_gap(pool)
        if gap is not None:
            return self._gap_walk(gap, qvec, pool, allowed)
        return self.store.search(qvec, pool, allowed, like=like)

    def uses_text_gap(self, pool: int) -> bool:
        """Whether the centred walk visits fewer nodes than the true query's ``ef`` would: only
        in a large store (1M: ef 2237 against a 600 pool; 100k: 400, so no)."""
        return self.store.exact_scores and auto_ef(len(self.store), pool) > POOL_FACTOR * pool

    def _ready_gap(self, pool: int) -> TextGap | None:
        """The gap if it matches the store's generation; otherwise None, and it is made (or
        patched) on a thread for later queries."""
        if not self.uses_text_gap(pool):
            return None
        gap = self._gap
        if gap is not None and gap.generation == self.store.generation:
            return gap
        if not self._closed.is_set() and (self._gap_job is None or not self._gap_job.is_alive()):
            # A daemon thread: a process that ends (a CLI search) does not wait for it, and
            # close() stops it between reads.
            self._gap_job = threading.Thread(target=self._made_gap, name="text-gap", daemon=True)
            self._gap_job.start()
        return None

    def _made_gap(self) -> None:
        try:
            self.prepare_text_gap()
        except _Stopped:
            logger.debug("text gap: stopped, the searcher was closed")
        except Exception:  # a background job: log, keep searching the plain way
            logger.exception("text gap: could not be made")

    def close(self) -> None:
        """Stop the background work (a text gap being made stops at its next read)."""
        self._closed.set()

    def prepare_text_gap(self, direction: np.ndarray | None = None) -> TextGap:
        """Make the gap for the store as it is now (direction from the text tower on
        :data:`GAP_CAPTIONS` once; projections read from the store, only for labels new or
        changed since the last gap), and use it from the next query on. ``direction``: use this
        one instead (a benchmark's stand-in for a text tower; not written to the cache)."""
        t0 = time.perf_counter()
        gap = self._gap
        if gap is None and self._gap_cache is not None:
            gap = load_gap(self._gap_cache, self.store.dim)
            if gap is not None and gap.generation > self.store.generation:
                gap = TextGap.empty(gap.direction)  # made from a newer index than this one
        if direction is not None:
            unit = _unit(np.asarray(direction, dtype=np.float32))
            if gap is None or not np.array_equal(gap.direction, unit):
                gap = TextGap.empty(unit)
        elif gap is None:
            gap = TextGap.empty(gap_direction(self._text_encoder().encode_texts(GAP_CAPTIONS)))
        generation = self.store.generation  # before the labels: a later change is patched next
        changed = None
        if gap.generation >= 0:
            changed = self.catalog.labels_changed_since(self.model_key, gap.generation)
        made, read = gap.covering(self.store.ids(), generation, self._gap_vectors, changed)
        self._gap = made
        logger.debug(
            "text gap: %d projections (%d read) at generation %d in %.3f s",
            len(made.labels),
            read,
            generation,
            time.perf_counter() - t0,
        )
        if self._gap_cache is not None and direction is None and read >= SAVE_AFTER:
            try:
                save_gap(self._gap_cache, made)
            except (OSError, KnownError) as exc:  # a cache (full disk, read-only library)
                logger.warning("text gap cache %s not written: %s", self._gap_cache, exc)
        return made

    def _gap_vectors(self, labels: np.ndarray) -> np.ndarray:
        if self._closed.is_set():
            raise _Stopped
        return self.store.get(labels)

    def _gap_walk(
        self, gap: TextGap, qvec: np.ndarray, pool: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``pool`` best by exact score, found by a centred walk (see
        :mod:`photoalbum.core.text_gap`)."""
        wide = POOL_FACTOR * pool
        centred, along = gap.centred(qvec)
        got, scores = self.store.search(centred, wide, allowed, ef=wide)
        proj = gap.projections(got)
        unknown = np.isnan(proj)
        if unknown.any():  # added since the gap was made (another thread's write)
            proj[unknown] = self.store.get(got[unknown]) @ gap.direction
        exact = np.asarray(scores, dtype=np.float32) + np.float32(along) * proj
        best = np.argsort(-exact, kind="stable")[:pool]
        return np.asarray(got, dtype=np.int64)[best], exact[best]

    # --- background distribution ----------------------------------------------------------------
    def _background_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(the background sample's usable vectors, the sampled ids the catalog has no usable
        vector for: garbled ones, left out of results too)."""
        gen = self.store.generation
        if self._background is not None and self._background[0] == gen:
            return self._background[1], self._background[2]
        ids = self.store.ids()
        if len(ids) > self.background_size:
            rng = np.random.default_rng(self._rng_seed)
            ids = np.sort(rng.choice(ids, self.background_size, replace=False))
        # Only usable vectors: a missing or garbled one would skew the statistics.
        got_ids, vecs = self.catalog.label_vectors(self.model_key, ids.tolist())
        unusable = np.setdiff1d(np.asarray(ids, dtype=np.int64), got_ids)
        self._background = (gen, vecs, unusable)
        return vecs, unusable

    # --- search -------------------------------------------------------------------------------
    def search(
        self,
        query: Query,
        k: int = 20,
        flt: PhotoFilter | None = None,
        *,
        cutoff: bool = True,
        exclude_ids: Sequence[int] = (),
    ) -> SearchResult:
        """Run a query; see the module docstring for the two stages."""
        require_positive(query)
        flt = flt or PhotoFilter()
        revision = self.catalog.keyword_revision() if query.words else 0  # text read, renames
        # The filter's photos are read before the cache is asked: marks and albums (hidden,
        # favourites) change without a new vector generation, often by another process.
        allowed = None if flt.is_empty else self.catalog.filter_ids(flt, self.model_key)
        key = (
            tuple((_term_key(t), t.weight) for t in query.terms),
            k,
            flt,
            None if allowed is None else hashlib.blake2b(allowed.tobytes()).hexdigest(),
            cutoff,
            tuple(exclude_ids),
            self.store.generation,
            revision,
            self.min_z,
        )
        cached = self._results.get(key)
        if cached is not None:
            return cached
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        moments = self.moment_index()
        # Items to labels: a video is allowed (or left out) with every one of its moments.
        excluded = moments.labels_of(np.asarray(exclude_ids, dtype=np.int64))
        pool = max(self.candidates, 4 * k) + len(excluded)
        # Keyword evidence (text read in the photo, file name, folder, camera): looked up in a
        # thread while this one runs the text tower, which releases the GIL.
        words = query.words
        keywords = None
        if words and self.keyword_weight > 0:
            index = self._keyword_index(revision)
            keywords = self._keyword_thread().submit(
                _timed, self._look_up_keywords, index, words, pool
            )
        terms = query.terms
        pairs = [self.term_vectors(t) for t in terms]
        timings["encode"] = time.perf_counter() - t0
        weights = np.asarray([t.weight for t in terms], dtype=np.float32)
        stage1 = np.stack([p[0] for p in pairs])
        stage2 = np.stack([p[1] for p in pairs])
        # Stage 1: combined vector, negatives pull away at half strength (they are rescored exactly).
        w1 = np.where(weights > 0, weights, 0.5 * weights)
        qvec = _unit((w1[:, None] * stage1).sum(axis=0))

        t1 = time.perf_counter()
        if allowed is not None:
            allowed = moments.labels_of(allowed)
            if exclude_ids:
                allowed = np.setdiff1d(allowed, excluded)
        if allowed is not None and len(allowed) == 0:
            ids, ann_scores = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        else:
            # Image and photo terms are like the indexed vectors (no modality gap to cross).
            like = all(t.text is None for t in terms)
            ids, ann_scores = self.stage1(qvec, pool, allowed, like=like)
        ids = np.asarray(ids, dtype=np.int64)
        ann = (ids, np.asarray(ann_scores, dtype=np.float32))
        timings["ann"] = time.perf_counter() - t1
        # The keyword look-up's answer, completed with the ANN's candidates: hits outside the
        # ANN pool join the pool. ("keywords": the wait for it and the rest, on the critical
        # path; "keyword_lookup": the look-up's own time, beside the tower.)
        t1 = time.perf_counter()
        kw: dict[int, float] = {}
        text_labels: dict[int, int] = {}  # video → the moment its matching text was read in
        read: _Read | None = None
        if keywords is not None:
            (lookup, read), timings["keyword_lookup"] = keywords.result()
            kw = index.with_candidates(lookup, ids)
            if kw:
                text_labels = self._text_moment_labels(kw, words, moments)
                extra = np.asarray(sorted({*kw, *text_labels.values()}), dtype=np.int64)
                if allowed is not None:
                    extra = np.intersect1d(extra, allowed)
                ids = np.union1d(ids, extra) if len(extra) else ids
        if exclude_ids:
            ids = ids[~np.isin(ids, excluded)]
        timings["keywords"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        if len(ids) == 0:
            result = SearchResult(
                [],
                query,
                generation=self.store.generation,
                seconds=time.perf_counter() - t0,
                timings=timings,
            )
            self._results[key] = result
            return result
        # (n, terms): every term scored exactly. One term whose stage-2 vector is the ANN query
        # itself was already scored exactly by a store that says so: only the candidates the
        # ANN did not return (keyword hits) are read then.
        reuse = (
            len(terms) == 1 and self.store.exact_scores and float(qvec @ stage2[0]) >= 1.0 - 1e-6
        )
        bg, unusable = self._background_vectors()
        cos, scored = self._exact_cosines(ids, stage2, ann if reuse else None, read)
        if len(unusable):  # the store's copy may be fine, but the catalog's is garbled
            scored &= ~np.isin(ids, unusable)
        if not scored.all():  # no usable vector in the catalog (reported there)
            ids, cos = ids[scored], cos[scored]
        wpos = float(weights[weights > 0].sum())
        if len(bg) >= MIN_BACKGROUND:
            bcos = _cosines(bg, stage2)
            mu, sd = bcos.mean(axis=0), bcos.std(axis=0) + 1e-6
            bscore = (((bcos - mu) / sd) * weights).sum(axis=1) / wpos
        else:  # too few photos for statistics: plain cosine
            mu, sd = np.zeros(len(terms), np.float32), np.ones(len(terms), np.float32)
            bscore = None
        score = (((cos - mu) / sd) * weights).sum(axis=1) / wpos
        # The keyword bonus is measured in the spread of this query's background scores.
        unit = float(bscore.std()) if bscore is not None else float(score.std() or 1.0)
        items = moments.items_of(ids)  # a video's moments all count for the video
        kw_item = np.asarray([kw.get(int(i), 0.0) for i in items], dtype=np.float32)
        kw_frac = kw_item
        if text_labels:  # a video found by its text: only the moment the text is in is a hit
            at = np.asarray([text_labels.get(int(i), -1) for i in items], dtype=np.int64)
            kw_frac = np.where((at >= 0) & (ids != at), np.float32(0.0), kw_item)
        clip_score = score
        score = score + self.keyword_weight * unit * np.minimum(kw_frac, 1.0)
        threshold = None
        cut_mask = np.ones(len(ids), dtype=bool)
        if cutoff and bscore is not None:
            threshold = float(bscore.mean() + self.min_z * bscore.std())
            cut_mask = (score >= threshold) | (kw_frac > 0)
        order = _fused_order(clip_score, kw_frac) if kw else np.argsort(-score, kind="stable")
        order = order[cut_mask[order]]
        # A video once, at its best moment (the first of its labels in ranking order).
        _, first = np.unique(items[order], return_index=True)
        order = order[np.sort(first)]
        cut = int(len(np.unique(items)) - len(order))
        order = order[:k]
        photos = {p.id: p for p in self.catalog.photos([int(items[i]) for i in order])}
        times = moments.times_of(ids[order])
        hits = [
            SearchHit(
                photos[int(items[i])],
                float(score[i]),
                tuple(float(c) for c in cos[i]),
                bool(kw_item[i] > 0),
                None if np.isnan(t) else float(t),
            )
            for i, t in zip(order, times, strict=True)
            if int(items[i]) in photos
        ]
        timings["rescore"] = time.perf_counter() - t2
        result = SearchResult(
            hits,
            query,
            candidates=len(np.unique(items)),
            cut=cut,
            threshold=threshold,
            generation=self.store.generation,
            seconds=time.perf_counter() - t0,
            timings=timings,
        )
        self._results[key] = result
        return result

    def _text_moment_labels(
        self, kw: dict[int, float], words: Sequence[str], moments: MomentIndex
    ) -> dict[int, int]:
        """{video: label of the moment its text matching ``words`` was read in} of the videos
        among the keyword hits ``kw`` (a video matched by name alone has none)."""
        if not len(moments):
            return {}
        videos = np.intersect1d(np.fromiter(kw, dtype=np.int64, count=len(kw)), moments.items)
        if not len(videos):
            return {}
        out: dict[int, int] = {}
        for video, lines in self.catalog.text_moments(videos.tolist()).items():
            t = text_moment(lines, words)
            label = None if t is None else moments.label_near(video, t)
            if label is not None:
                out[int(video)] = label
        return out


def _timed(fn: Callable[..., _V], *args: object) -> tuple[_V, float]:
    """fn(*args) and the seconds it took."""
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def _fused_order(clip: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Candidates ordered by weighted reciprocal-rank fusion of the CLIP and keyword rankings.

    Each candidate gets 1 / (RRF_K + its CLIP rank); a keyword hit adds strength / (RRF_K + its
    keyword rank) (keyword rank by strength, then CLIP score). The best full matches (strength ≥ 1)
    thus outrank every photo without one; a partial one (a few of many words) moves a photo up.
    """
    clip_rank = np.empty(len(clip), dtype=np.int64)
    clip_rank[np.argsort(-clip, kind="stable")] = np.arange(1, len(clip) + 1)
    fused = 1.0 / (RRF_K + clip_rank)
    hits = np.flatnonzero(strength > 0)
    if len(hits):
        kw_order = hits[np.lexsort((-clip[hits], -strength[hits]))]
        kw_rank = np.arange(1, len(kw_order) + 1)
        fused[kw_order] += strength[kw_order] / (RRF_K + kw_rank)
    return np.argsort(-fused, kind="stable")
