"""SceneIndex: the library's scenes, kept up to date incrementally and persisted in a directory."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.durable import write_atomically
from photoalbum.core.errors import PhotoAlbumError
from photoalbum.core.scenes.clustering import (
    ClusterParams,
    assign_members,
    cluster_vectors,
    group_sums,
    row_norms,
    unit_rows,
)
from photoalbum.core.scenes.naming import FALLBACK_EN, FALLBACK_ZH, SceneNamer

logger = logging.getLogger(__name__)

STATE_VERSION = 1
STATE_FILE = "scenes.json"
#: A full recluster runs when photos added + removed since the last one exceed this share.
RECLUSTER_FRACTION = 0.2
#: An old scene's id passes to a new group sharing at least this Jaccard overlap of members...
MATCH_JACCARD = 0.5
#: ...or, failing that, to a new group whose centroid is this close (same model only).
MATCH_CENTROID = 0.97


@dataclass(frozen=True)
class Scene:
    """A group of photos showing the same kind of thing.

    Attributes:
        id: stable across reclusters while the group stays (mostly) the same.
        name_en/name_zh: vocabulary names, or "Similar photos"/"相似照片".
        confidence: the name's zero-shot probability (0 when not named by a model).
        cover_id: the most central photo.
        photo_ids: ascending.
    """

    id: str
    name_en: str
    name_zh: str
    confidence: float
    cover_id: int
    photo_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of photos in the scene."""
        return len(self.photo_ids)


@dataclass(frozen=True)
class _Meta:
    id: str
    name_en: str = FALLBACK_EN
    name_zh: str = FALLBACK_ZH
    confidence: float = 0.0
    cover_id: int = -1
    cover_score: float = -1.0
    named_by: str | None = None  # model key of the namer, None = not named by a model


class SceneIndex:
    """Scenes of one library and model, stored in ``state_dir`` (``scenes.json`` + one ``.npz``).

    Feed it the library's live (id, vector) pairs with :meth:`update`: new photos join the scene
    they fit (else wait, unclustered, for the next full run), removed photos drop out, and a full
    recluster runs when forced, on the first run, on a model change, or once more than
    ``recluster_fraction`` of the library changed since the last full run. Scene ids survive a
    recluster when the group is the same (Jaccard ≥ 0.5 of members, else centroid cosine ≥ 0.97).

    Not thread-safe: one writer (the indexing worker); readers load their own copy.
    """

    def __init__(
        self,
        state_dir: Path,
        *,
        params: ClusterParams | None = None,
        recluster_fraction: float = RECLUSTER_FRACTION,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.params = params or ClusterParams()
        self.recluster_fraction = recluster_fraction
        self._ids = np.zeros(0, dtype=np.int64)  # sorted photo ids seen by the last update
        self._labels = np.zeros(0, dtype=np.int32)  # scene row per id, -1 = unclustered
        self._sums = np.zeros((0, 0), dtype=np.float64)
        self._counts = np.zeros(0, dtype=np.int64)
        self._meta: list[_Meta] = []
        self.dim = 0
        self.model_key: str | None = None
        self.threshold = 1.0
        self.background = 0.0
        self.full_size = 0  # library size at the last full run
        self.changed = 0  # photos added + removed since then
        self.last_run: str | None = None  # "full" or "incremental", for logs and tests

    # -- loading and saving --------------------------------------------------------------------
    @classmethod
    def load(cls, state_dir: Path, **kwargs: Any) -> SceneIndex:
        """The saved index, or an empty one when missing, unreadable or inconsistent."""
        index = cls(state_dir, **kwargs)
        meta_path = index.state_dir / STATE_FILE
        if not meta_path.is_file():
            return index
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("version") != STATE_VERSION:
                raise ValueError(f"state version {meta.get('version')!r}")
            npz_name = str(meta["arrays"])
            if Path(npz_name).name != npz_name:
                raise ValueError("bad arrays file name")
            with np.load(index.state_dir / npz_name, allow_pickle=False) as data:
                arrays = {k: data[k] for k in ("ids", "labels", "sums", "counts")}
            index._restore(meta, arrays)
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            logger.warning("scene state in %s unusable (%s): starting afresh", state_dir, exc)
            return cls(state_dir, **kwargs)
        return index

    def _restore(self, meta: dict[str, Any], a: dict[str, np.ndarray]) -> None:
        ids = a["ids"].astype(np.int64)
        labels = a["labels"].astype(np.int32)
        sums = a["sums"].astype(np.float64)
        counts = a["counts"].astype(np.int64)
        scenes = [
            _Meta(
                id=str(s["id"]),
                name_en=str(s["name_en"]),
                name_zh=str(s["name_zh"]),
                confidence=float(s["confidence"]),
                cover_id=int(s["cover_id"]),
                cover_score=float(s["cover_score"]),
                named_by=None if s.get("named_by") is None else str(s["named_by"]),
            )
            for s in meta["scenes"]
        ]
        k, dim = len(scenes), int(meta["dim"])
        if ids.ndim != 1 or labels.shape != ids.shape:
            raise ValueError("ids and labels differ in shape")
        if len(ids) and np.any(np.diff(ids) <= 0):
            raise ValueError("ids not sorted and unique")
        if sums.shape != (k, dim) or counts.shape != (k,):
            raise ValueError("scene arrays do not match the scene list")
        if len(labels) and (labels.min() < -1 or labels.max() >= k):
            raise ValueError("labels out of range")
        if not np.array_equal(np.bincount(labels[labels >= 0], minlength=k), counts):
            raise ValueError("counts do not match labels")
        if not np.isfinite(sums).all() or len({s.id for s in scenes}) != k:
            raise ValueError("bad sums or repeated scene ids")
        self._ids, self._labels, self._sums, self._counts, self._meta = (
            ids,
            labels,
            sums,
            counts,
            scenes,
        )
        self.dim = dim
        self.model_key = meta.get("model_key")
        self.threshold = float(meta["threshold"])
        self.background = float(meta["background"])
        self.full_size = int(meta["full_size"])
        self.changed = int(meta["changed"])

    def save(self) -> None:
        """Write the state atomically: a new ``.npz`` first, then ``scenes.json`` pointing at it."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        npz_name = f"scenes-{secrets.token_hex(6)}.npz"
        buf = io.BytesIO()
        np.savez(buf, ids=self._ids, labels=self._labels, sums=self._sums, counts=self._counts)
        _atomic_write(self.state_dir / npz_name, buf.getvalue())
        meta = {
            "version": STATE_VERSION,
            "arrays": npz_name,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "model_key": self.model_key,
            "dim": self.dim,
            "threshold": self.threshold,
            "background": self.background,
            "full_size": self.full_size,
            "changed": self.changed,
            "scenes": [m.__dict__ for m in self._meta],
        }
        _atomic_write(
            self.state_dir / STATE_FILE,
            json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"),
        )
        for old in self.state_dir.glob("scenes-*.npz"):
            if old.name != npz_name:
                old.unlink(missing_ok=True)

    # -- reading -------------------------------------------------------------------------------
    def scenes(self) -> list[Scene]:
        """Every scene, largest first."""
        order = np.argsort(self._labels, kind="stable")
        starts = np.searchsorted(self._labels[order], np.arange(len(self._meta) + 1))
        out = []
        for k, m in enumerate(self._meta):
            members = self._ids[order[starts[k] : starts[k + 1]]]
            if len(members) == 0:
                continue
            out.append(
                Scene(
                    m.id,
                    m.name_en,
                    m.name_zh,
                    m.confidence,
                    m.cover_id,
                    tuple(int(i) for i in np.sort(members)),
                )
            )
        out.sort(key=lambda s: (-len(s.photo_ids), s.id))
        return out

    def scene(self, scene_id: str) -> Scene | None:
        """One scene by id, or None."""
        return next((s for s in self.scenes() if s.id == scene_id), None)

    def scene_of(self, photo_id: int) -> str | None:
        """The id of the scene a photo belongs to, or None."""
        pos = int(np.searchsorted(self._ids, photo_id))
        if pos < len(self._ids) and self._ids[pos] == photo_id and self._labels[pos] >= 0:
            return self._meta[int(self._labels[pos])].id
        return None

    def photo_scene_names(self) -> dict[int, tuple[str, str]]:
        """Photo id → (English, Chinese) scene name, for :func:`group_events`."""
        names = [(m.name_en, m.name_zh) for m in self._meta]
        return {
            int(i): names[int(lab)]
            for i, lab in zip(self._ids, self._labels, strict=True)
            if lab >= 0
        }

    def known_ids(self) -> np.ndarray:
        """Every photo id the last update saw (sorted), in a scene or not."""
        return self._ids.copy()

    def unclustered_ids(self) -> np.ndarray:
        """Photos in no scene (unique photos, or new ones waiting for the next full run)."""
        return self._ids[self._labels < 0].copy()

    # -- updating ------------------------------------------------------------------------------
    def needs_full(
        self, ids: np.ndarray, dim: int | None = None, model_key: str | None = None
    ) -> bool:
        """Whether :meth:`update` with this library would recluster everything."""
        id_arr = np.unique(np.asarray(ids).astype(np.int64).ravel())
        if dim is not None and self.dim and dim != self.dim:
            return True
        if model_key is not None and self.model_key is not None and model_key != self.model_key:
            return True
        added = int((~np.isin(id_arr, self._ids, assume_unique=True)).sum())
        removed = int((~np.isin(self._ids, id_arr, assume_unique=True)).sum())
        return self.changed + added + removed > self.recluster_fraction * max(self.full_size, 1)

    def update(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        namer: SceneNamer | None = None,
        *,
        force_full: bool = False,
        model_key: str | None = None,
    ) -> None:
        """Bring the scenes in line with the library's current (ids, vectors).

        Args:
            ids: every live photo id of the library (others are treated as removed).
            vectors: (n, dim) embeddings, one row per id; non-finite or zero rows are ignored.
            namer: names new scenes (and scenes not yet named by this model); None keeps names.
            force_full: recluster everything now.
            model_key: the embeddings' model; a change forces a full run (defaults to the
                namer's model key).
        """
        id_arr = np.asarray(ids).ravel()
        v = np.asarray(vectors)
        if v.ndim != 2 or len(v) != len(id_arr):
            raise ValueError(f"{len(id_arr)} ids but vectors of shape {v.shape}")
        id_arr = id_arr.astype(np.int64)
        norms = row_norms(v)
        ok = np.isfinite(norms) & (norms > 0)
        if not ok.all():
            logger.warning("scenes: ignoring %d unusable vectors", int((~ok).sum()))
        if ok.all() and (len(id_arr) < 2 or bool(np.all(np.diff(id_arr) > 0))):
            # The usual case (catalog order, unit float32 rows): no copy of the library.
            unit = v.dtype == np.float32 and v.flags.c_contiguous
            unit = unit and (len(v) == 0 or float(np.abs(norms - 1.0).max()) <= 1e-3)
            uniq, x = id_arr, (v if unit else unit_rows(v))
        else:
            uniq, first = np.unique(id_arr[ok], return_index=True)
            x = unit_rows(v[np.flatnonzero(ok)[first]])
        key = model_key or (namer.model_key if namer is not None else None) or self.model_key
        if force_full or self.needs_full(uniq, x.shape[1], key):
            self._full(uniq, x, namer, key)
        else:
            self._incremental(uniq, x, namer)
        self._name_unnamed(namer)

    def rename(self, namer: SceneNamer) -> None:
        """Name every scene again (e.g. after the vocabulary changed)."""
        self._meta = [replace(m, named_by=None) for m in self._meta]
        self._name_unnamed(namer)

    # -- internals -----------------------------------------------------------------------------
    def _full(
        self, ids: np.ndarray, x: np.ndarray, namer: SceneNamer | None, key: str | None
    ) -> None:
        result = cluster_vectors(x, self.params)
        labels = result.labels.astype(np.int32)
        same_model = key == self.model_key and x.shape[1] == self.dim
        new_ids = self._match_ids(ids, labels, result.sums, same_model)
        old_by_id = {m.id: m for m in self._meta}
        metas = []
        for sid in new_ids:
            old = old_by_id.get(sid)
            if old is None:
                metas.append(_Meta(sid))
            else:  # a namer renames everything below; without one the old name stays
                metas.append(
                    _Meta(
                        sid,
                        old.name_en,
                        old.name_zh,
                        old.confidence,
                        named_by=old.named_by if same_model else None,
                    )
                )
        self._ids, self._labels = ids, labels
        self._sums, self._counts = result.sums, result.counts
        self._meta = metas
        self.dim, self.model_key = x.shape[1], key
        self.threshold, self.background = result.threshold, result.background
        self.full_size, self.changed = len(ids), 0
        self._refresh_covers(x, np.arange(len(metas)))
        self.last_run = "full"
        if namer is not None:  # centroids moved: name every scene again (cheap per scene)
            self._meta = [replace(m, named_by=None) for m in self._meta]
        logger.info("scenes: full run, %d photos → %d scenes", len(ids), len(metas))

    def _match_ids(
        self, ids: np.ndarray, labels: np.ndarray, sums: np.ndarray, same_model: bool
    ) -> list[str]:
        k = len(sums)
        out: list[str | None] = [None] * k
        if self._meta and k:
            common, new_pos, old_pos = np.intersect1d(
                ids, self._ids, assume_unique=True, return_indices=True
            )
            nl, ol = labels[new_pos].astype(np.int64), self._labels[old_pos].astype(np.int64)
            both = (nl >= 0) & (ol >= 0)
            k_old = len(self._meta)
            pair, inter = np.unique(nl[both] * k_old + ol[both], return_counts=True)
            new_size = np.bincount(labels[labels >= 0], minlength=k)
            cand = []
            for p, c in zip(pair.tolist(), inter.tolist(), strict=True):
                a, b = divmod(p, k_old)
                jac = c / (new_size[a] + self._counts[b] - c)
                if jac >= MATCH_JACCARD:
                    cand.append((jac, a, b))
            used_old: set[int] = set()
            for _, a, b in sorted(cand, reverse=True):
                if out[a] is None and b not in used_old:
                    out[a] = self._meta[b].id
                    used_old.add(b)
            if same_model and self.dim == sums.shape[1]:
                free_new = [a for a in range(k) if out[a] is None]
                free_old = [b for b in range(k_old) if b not in used_old and self._counts[b] > 0]
                if free_new and free_old:
                    cn = unit_rows(sums[free_new])
                    co = unit_rows(self._sums[free_old])
                    sim = cn @ co.T
                    for flat in np.argsort(-sim, axis=None):
                        i, j = divmod(int(flat), len(free_old))
                        if sim[i, j] < MATCH_CENTROID:
                            break
                        a, b = free_new[i], free_old[j]
                        if out[a] is None and b not in used_old:
                            out[a] = self._meta[b].id
                            used_old.add(b)
        taken = {s for s in out if s is not None}
        order = np.argsort(labels, kind="stable")
        starts = np.searchsorted(labels[order], np.arange(k + 1))
        for a in range(k):
            if out[a] is None:
                members = np.sort(ids[order[starts[a] : starts[a + 1]]])
                sid = "sc-" + hashlib.blake2b(members.tobytes(), digest_size=5).hexdigest()
                while sid in taken:
                    sid = "sc-" + hashlib.blake2b(sid.encode(), digest_size=5).hexdigest()
                out[a] = sid
                taken.add(sid)
        return [s for s in out if s is not None]

    def _incremental(self, ids: np.ndarray, x: np.ndarray, namer: SceneNamer | None) -> None:
        if x.shape[1] != self.dim and len(self._meta):
            raise PhotoAlbumError("embedding size changed without a full recluster")
        pos = np.searchsorted(self._ids, ids)
        pos_c = np.minimum(pos, max(len(self._ids) - 1, 0))
        known = (
            (pos < len(self._ids)) & (self._ids[pos_c] == ids)
            if len(self._ids)
            else (np.zeros(len(ids), dtype=bool))
        )
        labels = np.full(len(ids), -1, dtype=np.int32)
        labels[known] = self._labels[pos_c[known]]
        kept = np.zeros(len(self._ids), dtype=bool)
        kept[pos_c[known]] = True
        removed_labels = self._labels[~kept]
        n_removed = int((~kept).sum())
        k = len(self._meta)
        touched = np.zeros(k, dtype=bool)
        lost = np.unique(removed_labels[removed_labels >= 0])
        touched[lost] = True
        if len(lost):
            # Exact sums for scenes that lost photos (their removed vectors are gone).
            sel = np.flatnonzero(np.isin(labels, lost))
            sub_sums, sub_counts = group_sums(x[sel], labels[sel].astype(np.int64), k)
            self._sums[lost] = sub_sums[lost]
            self._counts[lost] = sub_counts[lost]
        new_rows = np.flatnonzero(~known)
        if len(new_rows) and k:
            got, _ = assign_members(x[new_rows], self._sums, self._counts, self.threshold)
            labels[new_rows] = got.astype(np.int32)
            joined = got >= 0
            if joined.any():
                add_sums, add_counts = group_sums(x[new_rows[joined]], got[joined], k)
                self._sums += add_sums
                self._counts += add_counts
                touched[np.unique(got[joined])] = True
        self._ids, self._labels = ids, labels
        self.changed += len(new_rows) + n_removed
        self._refresh_covers(x, np.flatnonzero(touched), new_rows)
        self._drop_empty()
        self.last_run = "incremental"
        logger.info(
            "scenes: %d new (%d placed), %d removed",
            len(new_rows),
            int((labels[new_rows] >= 0).sum()),
            n_removed,
        )

    def _refresh_covers(
        self, x: np.ndarray, scenes: np.ndarray, new_rows: np.ndarray | None = None
    ) -> None:
        """Pick covers: the member closest to the centroid (incremental: old cover vs newcomers)."""
        if len(scenes) == 0:
            return
        centres = unit_rows(self._sums).astype(np.float32)
        wanted = np.zeros(len(self._meta), dtype=bool)
        wanted[scenes] = True
        if new_rows is None:
            rows = np.flatnonzero(self._labels >= 0)
            rows = rows[wanted[self._labels[rows]]]
        else:
            # Only the old cover and the newcomers compete, unless the cover itself left.
            cover_pos = {}
            for s in scenes:
                cid = self._meta[s].cover_id
                p = int(np.searchsorted(self._ids, cid))
                if p < len(self._ids) and self._ids[p] == cid and self._labels[p] == s:
                    cover_pos[s] = p
            full_scan = [s for s in scenes if s not in cover_pos]
            rows_list = [np.array(list(cover_pos.values()), dtype=np.int64)]
            rows_list.append(new_rows[self._labels[new_rows] >= 0])
            if full_scan:
                mask = np.isin(self._labels, full_scan)
                rows_list.append(np.flatnonzero(mask))
            rows = np.unique(np.concatenate(rows_list)).astype(np.int64)
            rows = rows[(self._labels[rows] >= 0) & wanted[np.maximum(self._labels[rows], 0)]]
        if len(rows) == 0:
            return
        lab = self._labels[rows].astype(np.int64)
        score = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), 8192):
            r = rows[start : start + 8192]
            score[start : start + 8192] = np.einsum(
                "ij,ij->i", x[r], centres[lab[start : start + 8192]]
            )
        order = np.lexsort((self._ids[rows], -score, lab))
        first = np.ones(len(order), dtype=bool)
        first[1:] = lab[order][1:] != lab[order][:-1]
        for o in order[first]:
            s = int(lab[o])
            self._meta[s] = replace(
                self._meta[s], cover_id=int(self._ids[rows[o]]), cover_score=float(score[o])
            )

    def _drop_empty(self) -> None:
        keep = np.flatnonzero(self._counts > 0)
        if len(keep) == len(self._meta):
            return
        remap = np.full(len(self._meta), -1, dtype=np.int32)
        remap[keep] = np.arange(len(keep), dtype=np.int32)
        mask = self._labels >= 0
        self._labels[mask] = remap[self._labels[mask]]
        self._sums, self._counts = self._sums[keep], self._counts[keep]
        self._meta = [self._meta[i] for i in keep]

    def _name_unnamed(self, namer: SceneNamer | None) -> None:
        if namer is None:
            return
        todo = [k for k, m in enumerate(self._meta) if m.named_by != namer.model_key]
        if not todo:
            return
        try:
            names = [namer.name(self._sums[k]) for k in todo]
        except (PhotoAlbumError, OSError, ValueError) as exc:
            logger.warning("scenes left unnamed: %s", exc)
            return
        for k, (en, zh, conf) in zip(todo, names, strict=True):
            self._meta[k] = replace(
                self._meta[k], name_en=en, name_zh=zh, confidence=conf, named_by=namer.model_key
            )


def _atomic_write(path: Path, data: bytes) -> None:
    """Write a file so readers see the old or the new content, never half (temp, fsync, rename)."""
    write_atomically(path, data)
