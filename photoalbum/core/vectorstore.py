"""The embedded vector index: hnswlib over L2-normalised vectors keyed by photo id, saved atomically.

The index is derived data (the catalog is the source of truth). It is saved as a pair: the hnswlib
file at ``path`` and a sidecar JSON at ``path.with_suffix('.json')`` that names the catalog
generation the index reflects. Both are written to temp files (checked, fsynced) before the
index file, then the sidecar, is renamed into place (:mod:`photoalbum.core.durable`); the sidecar
records the index file's size and CRC-32, so a crash
between the two renames leaves a pair that does not verify and is treated as missing (the caller
rebuilds from the catalog) instead of an index silently claiming the wrong generation. A
corrupt or truncated file never reaches hnswlib's loader, which does not survive every bad input.
The sidecar also records the index file's mtime_ns: a writer that only asks whether the saved
pair is current (:meth:`HnswStore.saved_generation_on_disk`, every ``index`` run that changed
nothing) compares size and mtime instead of reading the whole file (~220 MB at 100k vectors);
a load still checks the CRC.

Search ``ef`` rule (when not fixed by :meth:`HnswStore.set_ef`)::

    r = N / 200_000
    ef = min(N, max(2 * k, 64, ceil(200 * sqrt(r)), ceil(200 * r ** 1.5)))

i.e. 64 up to ~20k vectors, 142 at 100k, 200 at 200k, 791 at 500k, 2237 at 1M. Why: recall at
a fixed ef falls as N grows, and text queries sit across CLIP's modality gap, so above 200k they
need a much larger ef (the steeper ``r ** 1.5`` term: a few ms at 1M, nothing below 200k).
``2 * k`` keeps large candidate pools good. Queries *like* the indexed vectors (image and photo
queries, ``like=True``) skip the steeper term: they keep their recall at the smaller ef.
Recall and time per ef: docs/performance.md.

Filtered search (``allowed``): first the allowed ids that are in the store are found (set
membership). When there are at most ``max(256, 500 * sqrt(N / 100_000))`` of them (256 up to
~26k vectors, 500 at 100k, 1581 at 1M) they are scored exactly: their vectors are read from
hnswlib and multiplied with the query. Otherwise hnswlib's ``filter=`` runs inside the graph
walk with a set's ``__contains__``; if the walk finds fewer than k allowed neighbours, exact
scoring takes over. Why: exact scoring costs grow with the m allowed ids (hnswlib's
``get_items`` copies each vector through Python lists) while a filtered walk costs roughly
∝ ef·N/m, so the crossover grows like sqrt(N); a fixed fraction of N would send 20k allowed ids
of 1M to a slow exact pass. Also why :meth:`get` of many ids is slow: callers that need many
vectors at once (exact rescoring of hundreds of candidates) can read them from the catalog.

Memory: hnswlib's own copy is the only one (a 2 KB vector + ~140 B of links per element); this
wrapper keeps a set of live ids, and passes a caller's batch to hnswlib without copying it when
all ids are new. Measured RSS: docs/performance.md.

Thread safety: one :class:`threading.RLock` serialises every add, remove, search and save
(hnswlib is not safe for a concurrent add and search). ``generation`` is a plain attribute the
owner sets (see :mod:`photoalbum.core.vector_sync`).
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import struct
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import hnswlib
import numpy as np

from photoalbum.core.durable import disk_full, replacing_all
from photoalbum.core.vector_checks import check_vectors

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
SPACE = "ip"
DEFAULT_M = 16
DEFAULT_EF_CONSTRUCTION = 100
#: Exact scoring when the allowed set has at most max(EXACT_MIN, EXACT_SCALE * sqrt(N / 100k)) ids.
EXACT_MIN = 256
EXACT_SCALE = 500.0
_CHUNK = 8 << 20


def auto_ef(n: int, k: int, *, like: bool = False) -> int:
    """The search ``ef`` for a store of ``n`` vectors and ``k`` wanted results (see module doc);
    ``like``: the query is like the indexed vectors (an image), so the steeper term is not needed."""
    r = max(n, 0) / 200_000
    grow = math.ceil(200 * math.sqrt(r))
    if not like:
        grow = max(grow, math.ceil(200 * r**1.5))
    return max(1, min(max(n, 1), max(2 * k, 64, grow)))


class HnswStore:
    """hnswlib index of L2-normalised float32 vectors keyed by photo id (inner-product scores).

    Implements :class:`photoalbum.core.ports.VectorStore`. Build with :meth:`open` or
    :meth:`empty`. Vectors live only inside hnswlib (no second copy is kept in Python); removed
    slots are reused by later adds.

    Attributes:
        dim: vector dimension.
        generation: the catalog generation the contents reflect (-1: unknown, rebuild).
        saved_generation: the generation of the saved pair the contents were loaded from or
            last saved to (None: no usable saved pair, e.g. a broken file was not loaded). A
            writer saves when it differs from ``generation``, so a rebuilt index is rewritten.
        path: where :meth:`save` writes (None for a store that is never saved).
        exact_scores: True: hnswlib's inner products are computed on the stored float32
            vectors, and the exact path multiplies the same vectors.
    """

    exact_scores = True

    def __init__(
        self,
        dim: int,
        *,
        path: Path | None = None,
        capacity_hint: int = 1024,
        M: int = DEFAULT_M,  # hnswlib's name
        ef_construction: int = DEFAULT_EF_CONSTRUCTION,
        threads: int | None = None,
        exact_min: int = EXACT_MIN,
        exact_scale: float = EXACT_SCALE,
    ) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        self.dim = int(dim)
        self.generation = -1
        self.saved_generation: int | None = None
        self.path = Path(path) if path is not None else None
        self.M = int(M)
        self.ef_construction = int(ef_construction)
        self.threads = threads if threads and threads > 0 else -1
        self.exact_min = int(exact_min)
        self.exact_scale = float(exact_scale)
        self._lock = threading.RLock()
        self._ef: int | None = None
        self._live: set[int] = set()  # labels that are searchable
        self._deleted: set[int] = set()  # labels hnswlib still maps to a deleted slot
        self._sorted: np.ndarray | None = None  # cached sorted live ids
        self._index = self._new_index(max(16, int(capacity_hint)))

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def empty(cls, dim: int, *, path: Path | None = None, **kwargs: Any) -> HnswStore:
        """A new empty store (generation -1); ``path`` only if it is to be saved."""
        return cls(dim, path=path, **kwargs)

    @classmethod
    def open(
        cls,
        path: Path,
        dim: int,
        *,
        capacity_hint: int = 1024,
        M: int = DEFAULT_M,
        ef_construction: int = DEFAULT_EF_CONSTRUCTION,
        threads: int | None = None,
    ) -> HnswStore:
        """Load the index at ``path`` (with its sidecar), or an empty store if it can't be used.

        Missing, unreadable, corrupt, truncated or mismatched files (other dim or parameters, or an
        index file that is not the one the sidecar describes) give an empty store with
        generation -1, and the reason is logged; the caller then rebuilds from the catalog.
        """
        path = Path(path)
        store = cls(
            dim,
            path=path,
            capacity_hint=capacity_hint,
            M=M,
            ef_construction=ef_construction,
            threads=threads,
        )
        try:
            store._load(path, capacity_hint)
        except _Unusable as exc:
            logger.info("vector index %s not used (%s): starting empty, will rebuild", path, exc)
            return cls(
                dim,
                path=path,
                capacity_hint=capacity_hint,
                M=M,
                ef_construction=ef_construction,
                threads=threads,
            )
        return store

    def _new_index(self, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space=SPACE, dim=self.dim)
        index.init_index(
            max_elements=capacity,
            ef_construction=self.ef_construction,
            M=self.M,
            allow_replace_deleted=True,
        )
        index.set_num_threads(self.threads)
        return index

    def saved_generation_on_disk(self) -> int | None:
        """The generation of the saved pair at :attr:`path` if it would load (sidecar made for
        this store's parameters, index file matching its size and CRC), else None: a writer that
        did not open the store can tell a broken file without loading it.

        When the index file's size and mtime_ns are those the sidecar recorded at its save, the
        file is taken as the one saved and is not read; otherwise (or for a sidecar without
        them) its CRC decides. Damage that keeps both (a bad disk block) is found by the next
        load, which always checks the CRC.
        """
        if self.path is None:
            return None
        try:
            meta = self._checked_sidecar(self.path, trust_stat=True)
        except _Unusable as exc:
            logger.info("saved vector index %s is not usable: %s", self.path, exc)
            return None
        generation = meta.get("generation")
        return generation if isinstance(generation, int) else None

    def _checked_sidecar(self, path: Path, *, trust_stat: bool = False) -> dict[str, Any]:
        meta = _read_sidecar(sidecar_path(path))
        expect = {
            "format": FORMAT_VERSION,
            "dim": self.dim,
            "space": SPACE,
            "M": self.M,
            "ef_construction": self.ef_construction,
        }
        for key, want in expect.items():
            if meta.get(key) != want:
                raise _Unusable(f"sidecar {key}={meta.get(key)!r}, expected {want!r}")
        if trust_stat and meta.get("mtime_ns") is not None:
            try:
                st = path.stat()
            except OSError as exc:
                raise _Unusable(f"cannot read index file: {exc}") from None
            if st.st_size == meta.get("size") and st.st_mtime_ns == meta.get("mtime_ns"):
                return meta
        try:
            size, crc = _file_crc(path)
        except OSError as exc:
            raise _Unusable(f"cannot read index file: {exc}") from None
        if size != meta.get("size") or crc != meta.get("crc32"):
            raise _Unusable("index file does not match its sidecar (interrupted save?)")
        return meta

    def _load(self, path: Path, capacity_hint: int) -> None:
        meta = self._checked_sidecar(path)
        count = meta.get("count")
        deleted = meta.get("deleted")
        generation = meta.get("generation")
        if not isinstance(count, int) or not isinstance(generation, int):
            raise _Unusable("sidecar lacks count/generation")
        if not isinstance(deleted, list) or not all(isinstance(d, int) for d in deleted):
            raise _Unusable("sidecar lacks the deleted-label list")
        index = hnswlib.Index(space=SPACE, dim=self.dim)
        slots = count + len(deleted)
        try:
            index.load_index(
                str(path),
                max_elements=max(slots + max(1024, slots // 8), capacity_hint),
                allow_replace_deleted=True,
            )
        except (RuntimeError, MemoryError, ValueError) as exc:
            raise _Unusable(f"hnswlib could not load it: {exc}") from None
        labels = set(index.get_ids_list())
        dead = set(deleted)
        if not dead <= labels or len(labels) - len(dead) != count:
            raise _Unusable("label count differs from the sidecar")
        index.set_num_threads(self.threads)
        self._index = index
        self._live = labels - dead
        self._deleted = dead
        self._sorted = None
        self.generation = generation
        self.saved_generation = generation

    # --- VectorStore -------------------------------------------------------------------------
    def __len__(self) -> int:
        with self._lock:
            return len(self._live)

    def ids(self) -> np.ndarray:
        """Sorted int64 ids of every vector in the store."""
        with self._lock:
            return self._ids().copy()

    def _ids(self) -> np.ndarray:
        if self._sorted is None:
            self._sorted = np.sort(np.fromiter(self._live, dtype=np.int64, count=len(self._live)))
        return self._sorted

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert or replace vectors (rows L2-normalised here if they are not already).

        A row that is not finite or is all zeros is not indexed (and an older vector of that id
        is removed); a warning is logged.
        """
        ids = as_ids(ids)
        vecs, ok = check_vectors(vectors, len(ids), self.dim)
        if not ok.all():
            logger.warning(
                "vector index: %d vectors are not finite or zero; not indexed (ids %s)",
                int((~ok).sum()),
                ids[~ok][:5].tolist(),
            )
            self.remove(ids[~ok])
            ids, vecs = ids[ok], vecs[ok]
        if len(ids) == 0:
            return
        # Last one wins when an id repeats within the call.
        _, last = np.unique(ids[::-1], return_index=True)
        if len(last) != len(ids):
            keep = np.sort(len(ids) - 1 - last)
            ids, vecs = ids[keep], vecs[keep]
        with self._lock:
            labels = ids.tolist()
            update_rows: list[int] = []
            new_rows: list[int] = []
            revived = 0
            for row, label in enumerate(labels):
                if label in self._live:
                    update_rows.append(row)
                elif label in self._deleted:
                    # Revive the slot hnswlib still maps to this label, then update it in place:
                    # re-adding a deleted label into another vacant slot would leave two slots
                    # claiming the label (hnswlib then loses track of one).
                    self._deleted.discard(label)
                    try:
                        self._index.unmark_deleted(label)
                        update_rows.append(row)
                        revived += 1
                    except RuntimeError:  # its slot was reused by another label meanwhile
                        new_rows.append(row)
                else:
                    new_rows.append(row)
            if update_rows:
                self._index.add_items(vecs[update_rows], ids[update_rows], replace_deleted=False)
            if new_rows:
                if len(new_rows) < len(ids):  # (when all are new, no copy of a big batch)
                    ids, vecs = ids[new_rows], vecs[new_rows]
                used = self._index.element_count  # slots ever filled, vacant ones included
                vacant = used - len(self._live) - revived
                self._reserve(used + max(0, len(new_rows) - vacant))
                self._index.add_items(vecs, ids, replace_deleted=True)
                # A new label may have taken the slot of some deleted label: hnswlib no longer
                # maps that one, which the RuntimeError path above handles when it comes back.
            self._live.update(labels)
            self._sorted = None

    def _reserve(self, need: int) -> None:
        cap = self._index.get_max_elements()
        if need <= cap:
            return
        new_cap = max(need, cap * 2)
        logger.debug("vector index: capacity %d → %d", cap, new_cap)
        self._index.resize_index(new_cap)

    def remove(self, ids: np.ndarray) -> None:
        """Remove vectors (ids not in the store are ignored); their slots are reused later."""
        ids = as_ids(ids)
        with self._lock:
            changed = False
            for label in ids.tolist():
                if label in self._live:
                    self._index.mark_deleted(label)
                    self._live.discard(label)
                    self._deleted.add(label)
                    changed = True
            if changed:
                self._sorted = None

    def get(self, ids: np.ndarray) -> np.ndarray:
        """Vectors of ``ids`` in order, shape (len(ids), dim); an id not in the store gets a zero row."""
        ids = as_ids(ids)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        if len(ids) == 0:
            return out
        with self._lock:
            present = np.fromiter(
                (i in self._live for i in ids.tolist()), dtype=bool, count=len(ids)
            )
            if present.any():
                out[present] = self._get_items(ids[present])
        return out

    def _get_items(self, ids: np.ndarray) -> np.ndarray:
        got = self._index.get_items(ids, return_type="numpy")
        return np.asarray(got, dtype=np.float32).reshape(len(ids), self.dim)

    def set_ef(self, ef: int | None) -> None:
        """Fix the search ``ef`` (None: choose it from N and k by :func:`auto_ef`)."""
        with self._lock:
            self._ef = int(ef) if ef else None

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        *,
        like: bool = False,
        ef: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best (ids int64, inner-product scores float32), best first.

        ``allowed`` restricts results to those ids (applied inside the search). Fewer than ``k``
        results come back when fewer are available; an empty store gives empty arrays. ``like``:
        the query is like the stored vectors (an image's), which needs a smaller ``ef``. ``ef``:
        this search's ``ef`` (at least ``k``), for a caller that knows its query's geometry.
        """
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query has dim {q.shape[0]}, index has {self.dim}")
        if not np.all(np.isfinite(q)):
            raise ValueError("query vector is not finite")
        with self._lock:
            n = len(self._live)
            if k <= 0 or n == 0:
                return no_hits()
            cand: np.ndarray | None = None
            m = n
            if allowed is not None:
                allowed_ids = np.unique(as_ids(allowed))
                live = self._live
                keep = np.fromiter(
                    (i in live for i in allowed_ids.tolist()), dtype=bool, count=len(allowed_ids)
                )
                cand = allowed_ids[keep]
                m = len(cand)
                if m == 0:
                    return no_hits()
                if m == n:
                    cand = None  # everything is allowed: no filter needed
            k = min(int(k), m)
            if m <= self.exact_limit(n):
                return self._exact(q, k, cand if cand is not None else self._ids())
            if ef is None:
                ef = self._ef if self._ef is not None else auto_ef(n, k, like=like)
            self._index.set_ef(max(ef, k))
            try:
                if cand is None:
                    labels, dist = self._index.knn_query(q, k=k, num_threads=1)
                else:
                    allow = set(cand.tolist())
                    labels, dist = self._index.knn_query(
                        q, k=k, num_threads=1, filter=allow.__contains__
                    )
            except RuntimeError:
                # The graph walk found fewer than k (sparse filter, many deletions): be exact.
                logger.debug("vector index: ANN found < %d of %d allowed; scoring exactly", k, m)
                return self._exact(q, k, cand if cand is not None else self._ids())
        return labels[0].astype(np.int64), (1.0 - dist[0]).astype(np.float32)

    def exact_limit(self, n: int) -> int:
        """Largest allowed-set size scored exactly in a store of ``n`` vectors (see module doc)."""
        return max(self.exact_min, math.ceil(self.exact_scale * math.sqrt(n / 100_000)))

    def _exact(self, q: np.ndarray, k: int, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = np.empty(len(cand), dtype=np.float32)
        for start in range(0, len(cand), 16384):  # bounded temporary copies of the vectors
            part = cand[start : start + 16384]
            scores[start : start + len(part)] = self._get_items(part) @ q
        top = np.argpartition(-scores, k - 1)[:k] if k < len(cand) else np.arange(len(cand))
        order = top[np.argsort(-scores[top], kind="stable")]
        return cand[order].astype(np.int64), scores[order]

    # --- persistence -------------------------------------------------------------------------
    def save(self, generation: int) -> None:
        """Write index and sidecar (temp files, each checked and fsynced, then renamed); record
        ``generation``.

        Both temp files are complete before either is renamed, so a failed save (a full disk:
        :class:`~photoalbum.core.errors.DiskFullError`) leaves the previous pair as it was.
        hnswlib does not report a short write, so the written index file is walked (its header
        and link lists say how long it must be) before it may replace the old one.
        """
        if self.path is None:
            raise ValueError("this store has no path to save to")
        path = self.path
        side = sidecar_path(path)
        with self._lock:
            with replacing_all(path, side) as (tmp_index, tmp_side):
                self._index.save_index(str(tmp_index))
                problem = _hnsw_file_problem(tmp_index, self._index.element_count)
                if problem is not None:
                    raise disk_full(path, problem)
                size, crc = _file_crc(tmp_index)
                # The renames keep it; fsync does not touch it.
                mtime_ns = tmp_index.stat().st_mtime_ns
                meta = {
                    "format": FORMAT_VERSION,
                    "dim": self.dim,
                    "generation": int(generation),
                    "count": len(self._live),
                    "ef_construction": self.ef_construction,
                    "M": self.M,
                    "space": SPACE,
                    "size": size,
                    "crc32": crc,
                    "mtime_ns": mtime_ns,
                    "token": secrets.token_hex(8),
                    "deleted": sorted(self._vacant_labels()),
                }
                with open(tmp_side, "w", encoding="utf-8") as fh:
                    fh.write(json.dumps(meta))
            # Leaving the block renamed the pair, index file first: a crash between the two
            # renames leaves a pair that does not verify (open → rebuild).
            self.generation = int(generation)
            self.saved_generation = int(generation)
        logger.debug(
            "vector index %s saved: %d vectors, generation %d", path, len(self._live), generation
        )

    def close(self) -> None:
        """Nothing to release: the index is in-process memory, freed with the object (the port
        has ``close`` for stores that hold a connection)."""

    def _vacant_labels(self) -> set[int]:
        # Drop labels whose slot a new label took (hnswlib no longer maps them).
        self._deleted &= set(self._index.get_ids_list())
        return self._deleted

    # --- helpers -----------------------------------------------------------------------------


class _Unusable(Exception):
    """The saved index can't be used (the reason is logged, the store starts empty)."""


def sidecar_path(path: Path) -> Path:
    """The JSON sidecar that goes with an index file."""
    return Path(path).with_suffix(".json")


def no_hits() -> tuple[np.ndarray, np.ndarray]:
    """An empty search result (ids int64, scores float32)."""
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)


def as_ids(ids: np.ndarray | Iterable[int]) -> np.ndarray:
    """ids as a flat int64 array; ValueError for non-integer or negative ids."""
    arr = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids))
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    arr = arr.reshape(-1)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"ids must be integers, got {arr.dtype}")
    if arr.min() < 0:
        raise ValueError("ids must be non-negative")
    return arr.astype(np.int64, copy=False)


def _read_sidecar(side: Path) -> dict[str, Any]:
    try:
        text = side.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _Unusable("no saved index") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unusable(f"cannot read sidecar: {exc}") from None
    try:
        meta = json.loads(text)
    except ValueError as exc:
        raise _Unusable(f"sidecar is not JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise _Unusable("sidecar is not a JSON object")
    return meta


#: hnswlib's file header: offsetLevel0, max_elements, cur_element_count, size_data_per_element,
#: label_offset, offsetData (size_t), maxlevel (int), enterpoint (uint32), maxM, maxM0, M
#: (size_t), mult (double), ef_construction (size_t); then cur_element_count level-0 records,
#: then per element a uint32 byte count and that many bytes of upper-level links.
_HNSW_HEADER = struct.Struct("<QQQQQQiIQQQdQ")
_LINK_SIZE = struct.Struct("<I")


def _hnsw_file_problem(path: Path, count: int) -> str | None:
    """Why the hnswlib file at ``path`` is not a whole save of ``count`` slots (None: it is).

    hnswlib's writer does not check its stream, so a full disk gives a short file and no error.
    """
    total = path.stat().st_size
    with open(path, "rb", buffering=1 << 16) as f:
        head = f.read(_HNSW_HEADER.size)
        if len(head) < _HNSW_HEADER.size:
            return f"the index file is {total} bytes, shorter than its header"
        fields = _HNSW_HEADER.unpack(head)
        slots, per_slot = fields[2], fields[3]
        if slots != count:
            return f"the index file holds {slots} slots, expected {count}"
        pos = _HNSW_HEADER.size + slots * per_slot
        for _ in range(slots):
            if pos + _LINK_SIZE.size > total:
                return f"the index file is {total} bytes, cut short"
            f.seek(pos)
            (links,) = _LINK_SIZE.unpack(f.read(_LINK_SIZE.size))
            pos += _LINK_SIZE.size + links
    if pos != total:
        return f"the index file is {total} bytes, expected {pos}"
    return None


def _file_crc(path: Path) -> tuple[int, int]:
    crc = 0
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return size, crc
