"""Query latency and ANN recall on a synthetic library of 100k (and, with --full, 1M) photos.

The library is built without encoding photos: catalog rows with synthetic clustered 512-d vectors
are written through the engine's catalog API (``open_catalog(...).commit_batch``), the library's
model setting names ``random:xlm-roberta-base-ViT-B-32`` (the default model's random-weights
variant), and the vector index is built once through the Library facade and saved. Built
libraries are cached under ``bench/out/`` (1M takes many minutes, mostly the hnswlib build).

Measured through the engine's Library/Searcher, the way the CLI and GUI query:
* text query: tokenising + text tower + ANN + stage 2 (exact rescoring, keywords, cut-off), each
  query a distinct string (the searcher caches vectors and results);
* drag-in image query of a 12 MP JPEG (not in the library): decode + image tower + search;
* recall@20 of the ANN stage against exact brute force, for queries LIKE the indexed vectors
  (searched as image queries are, ``like=True``) and queries UNLIKE them (offset distribution:
  their own mean direction, low cosines, as text queries sit across CLIP's modality gap).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench import (
    DEFAULT_MODEL,
    MODELS,
    OUT,
    BenchError,
    Row,
    ensure_model,
    ensure_photos,
    fmt,
    median,
    percentile,
)

if TYPE_CHECKING:
    from photoalbum.core.ports import IndexedItem

logger = logging.getLogger(__name__)

NAME = "query"
DIM = 512
LIBRARY_VERSION = 1  # bump when the synthetic library's recipe changes (invalidates the cache)
COMMIT_BATCH = 5000
FILES_PER_DIR = 100
DIRS_PER_PARENT = 10
SOURCE_FILES = 16  # hard links spread over several inodes (ext4 allows 65000 links per inode)

TARGET_TEXT_P50_MS = 20.0
TARGET_IMAGE_P50_MS = 50.0
TARGET_RECALL = 0.95


# --- synthetic vectors -----------------------------------------------------------------------------
@dataclass(frozen=True)
class VectorRecipe:
    """Clustered unit vectors: ``a`` * shared image direction + ``b`` * cluster centre + noise.

    Same-cluster cosines come out near 0.78 and other-cluster ones near 0.39, roughly the spread of
    CLIP image embeddings of a photo library. Cluster sizes are uneven (Dirichlet weights).
    """

    n: int
    seed: int = 0
    a: float = 0.8
    b: float = 0.8
    noise: float = 0.6
    chunk: int = 50_000

    @property
    def clusters(self) -> int:
        """Number of clusters (about 200 photos each)."""
        return max(16, self.n // 200)

    def _basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, 0])
        m_img = _unit_rows(rng.standard_normal((1, DIM)))[0]
        m_txt = rng.standard_normal(DIM)
        m_txt = _unit_rows((m_txt - (m_txt @ m_img) * m_img)[None])[0]  # orthogonal to m_img
        centres = _unit_rows(rng.standard_normal((self.clusters, DIM)))
        weights = rng.dirichlet(np.full(self.clusters, 2.0))
        return m_img, m_txt, centres.astype(np.float32), weights

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(start row, vectors) in chunks; deterministic, so they can be regenerated exactly."""
        m_img, _, centres, weights = self._basis()
        for start in range(0, self.n, self.chunk):
            rows = min(self.chunk, self.n - start)
            rng = np.random.default_rng([self.seed, 1, start])
            labels = rng.choice(len(centres), size=rows, p=weights)
            noise = rng.standard_normal((rows, DIM)).astype(np.float32) / np.sqrt(DIM)
            x = self.a * m_img[None] + self.b * centres[labels] + self.noise * noise
            yield start, _unit_rows(x).astype(np.float32)

    def all_vectors(self) -> np.ndarray:
        """Every vector, (n, DIM) float32 (2 GB at 1M)."""
        out = np.empty((self.n, DIM), dtype=np.float32)
        for start, x in self.chunks():
            out[start : start + len(x)] = x
        return out

    def queries(self, count: int, kind: str, seed: int = 1) -> np.ndarray:
        """``like``: fresh draws of the library's distribution; ``unlike``: across a modality gap.

        Unlike-queries have a large component along their own mean direction (orthogonal to the
        library's), a weak pull towards one cluster and their own noise, so their cosines with
        the library are low (~0.25 for their cluster, ~0 otherwise) and close together: harder for
        the graph walk than queries that lie among the indexed points.
        """
        m_img, m_txt, centres, weights = self._basis()
        rng = np.random.default_rng([self.seed, 2, seed, 0 if kind == "like" else 1])
        labels = rng.choice(len(centres), size=count, p=weights)
        noise = rng.standard_normal((count, DIM)).astype(np.float32) / np.sqrt(DIM)
        if kind == "like":
            x = self.a * m_img[None] + self.b * centres[labels] + self.noise * noise
        elif kind == "unlike":
            x = 1.0 * m_txt[None] + 0.5 * centres[labels] + 0.6 * noise
        else:
            raise ValueError(kind)
        return _unit_rows(x).astype(np.float32)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# --- the synthetic library -----------------------------------------------------------------------
def library_dir(n: int) -> Path:
    """Where the cached synthetic library of ``n`` photos lives."""
    return OUT / f"library-{n}"


def files_dir(n: int) -> Path:
    """Where its (hard-linked) photo files live."""
    return OUT / f"files-{n}"


def _paths(n: int, library: Path | None = None):  # type: ignore[no-untyped-def]
    from photoalbum.core.paths import Paths

    return Paths(library=library or library_dir(n), models=MODELS, downloads=OUT / "downloads")


def _photo_path(root: Path, i: int) -> Path:
    leaf = i // FILES_PER_DIR
    return (
        root
        / f"d{leaf // DIRS_PER_PARENT:04d}"
        / f"s{leaf % DIRS_PER_PARENT:02d}"
        / f"IMG_{i:07d}.jpg"
    )


def _make_sources(folder: Path) -> list[Path]:
    """A few small, distinct JPEGs that the library's files are hard links to."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    out = []
    for k in range(SOURCE_FILES):
        p = folder / f"source_{k:02d}.jpg"
        if not p.is_file():
            arr = rng.integers(0, 256, size=(48, 64, 3), dtype=np.uint8)
            Image.fromarray(arr).save(p, quality=80 + k)
        out.append(p)
    return out


def _make_files(n: int) -> Path:
    """n files in nested folders, hard links to a few small JPEGs (cached)."""
    root = files_dir(n)
    done = root.with_name(root.name + ".complete")
    if done.is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    sources = _make_sources(OUT / "sources")
    t0 = time.perf_counter()
    made_dirs: set[Path] = set()
    for i in range(n):
        p = _photo_path(root, i)
        if p.parent not in made_dirs:
            p.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(p.parent)
        os.link(sources[i % len(sources)], p)
    done.write_text(json.dumps({"n": n, "seconds": round(time.perf_counter() - t0, 1)}))
    return root


def synthetic_items(
    n: int, root: Path, root_id: int, *, with_files: bool, seed: int = 0
) -> Iterator[IndexedItem]:
    """The synthetic library's photos, in order, as the indexer would commit them."""
    from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta

    stats = {}
    if with_files:
        for s in _make_sources(OUT / "sources"):
            st = s.stat()
            stats[s.name] = (st.st_size, st.st_mtime_ns)
    srcs = sorted(stats)
    cameras = [
        ("Canon", "EOS R6"),
        ("Apple", "iPhone 13"),
        ("SONY", "ILCE-7M3"),
        ("FUJIFILM", "X-T4"),
        (None, None),
    ]
    base = datetime(2010, 1, 1)
    for start, vecs in VectorRecipe(n, seed).chunks():
        for j in range(len(vecs)):
            i = start + j
            path = str(_photo_path(root, i))
            if with_files:
                size, mtime = stats[srcs[i % len(srcs)]]
            else:
                size, mtime = 2_000_000 + i % 1000, 1_600_000_000_000_000_000 + i
            make, model = cameras[i % len(cameras)]
            meta = PhotoMeta(
                width=4000 if i % 5 else 3000,
                height=3000 if i % 5 else 4000,
                taken_at=base + timedelta(minutes=7 * i),
                camera_make=make,
                camera_model=model,
            )
            yield IndexedItem(
                FileInfo(path, size, mtime), root_id, f"bench{seed:02d}{i:010d}", meta, vecs[j]
            )
        logger.info("synthetic library %d: %d rows made", n, start + len(vecs))


def ensure_library(
    n: int,
    *,
    with_files: bool,
    seed: int = 0,
    writer: str = "bulk",
    rebuild: bool = False,
    library: Path | None = None,
) -> dict:
    """The cached synthetic library of ``n`` photos (built if missing); its build record.

    ``with_files``: the catalog's paths exist on disk (for the rescan bench); otherwise they lie
    under an empty root folder and only searching is meaningful. ``writer``: ``bulk``
    (:func:`bench.synthetic_catalog.bulk_write`, the same rows in a fraction of the time) or
    ``commit_batch`` (the engine's per-photo path, for comparison). ``rebuild``: ignore a cache.
    ``library``: build there instead of the cache folder (to compare the two writers).
    """
    if writer not in ("bulk", "commit_batch"):
        raise ValueError(writer)
    lib = library or library_dir(n)
    marker = lib.with_name(lib.name + ".complete")
    want = {
        "version": LIBRARY_VERSION,
        "n": n,
        "seed": seed,
        "with_files": with_files,
        "model": DEFAULT_MODEL,
    }
    if marker.is_file() and not rebuild:
        record = json.loads(marker.read_text())
        if {k: record.get(k) for k in want} == want:
            return record
    ensure_model(DEFAULT_MODEL)
    shutil.rmtree(lib, ignore_errors=True)
    marker.unlink(missing_ok=True)
    record = dict(want) | {"writer": writer}
    t0 = time.perf_counter()
    if with_files:
        root = _make_files(n)
    else:
        root = OUT / f"files-{n}-absent"
        root.mkdir(parents=True, exist_ok=True)
    record["files_s"] = round(time.perf_counter() - t0, 1)
    record["root"] = str(root.resolve())

    from bench.synthetic_catalog import bulk_write
    from photoalbum.library import MODEL_SETTING, Library
    from photoalbum.persistence import open_catalog

    paths = _paths(n, lib)
    paths.ensure_library()
    t1 = time.perf_counter()
    catalog = open_catalog(paths.catalog)
    try:
        prepared_key = _model_key()
        root_row = catalog.add_root(str(root.resolve()))
        items = synthetic_items(n, root.resolve(), root_row.id, with_files=with_files, seed=seed)
        if writer == "bulk":
            bulk_write(catalog, prepared_key, items, batch=COMMIT_BATCH)
        else:
            while chunk := list(islice(items, COMMIT_BATCH)):
                catalog.commit_batch(prepared_key, chunk)
        catalog.set_setting(MODEL_SETTING, DEFAULT_MODEL)
    finally:
        catalog.close()
    record["catalog_s"] = round(time.perf_counter() - t1, 1)
    logger.info(
        "synthetic library %d: catalog written in %s s (%s)", n, record["catalog_s"], writer
    )
    t2 = time.perf_counter()
    library = Library(paths, model=DEFAULT_MODEL)
    try:
        store = library.store()
        if len(store) != n:
            raise BenchError(f"vector index has {len(store)} vectors, expected {n}")
        store.save(library.catalog.generation(library.model_key))
    finally:
        library.close()
    record["index_build_s"] = round(time.perf_counter() - t2, 1)
    logger.info("synthetic library %d: index built in %s s", n, record["index_build_s"])
    record["catalog_mb"] = round(paths.catalog.stat().st_size / 2**20, 1)
    record["index_mb"] = round(sum(p.stat().st_size for p in paths.index_dir.glob("*")) / 2**20, 1)
    marker.write_text(json.dumps(record, indent=1))
    return record


def _model_key() -> str:
    from photoalbum.core.models.registry import resolve_spec

    return resolve_spec(DEFAULT_MODEL).model_key


# --- queries --------------------------------------------------------------------------------------
_EN = [
    "dog",
    "cat",
    "beach",
    "sunset",
    "mountain",
    "birthday cake",
    "red car",
    "snow",
    "children",
    "bicycle",
    "old town",
    "harbour",
    "forest path",
    "wedding",
    "breakfast",
    "waterfall",
]
_EN_MOD = ["a photo of a", "my", "the big", "a small", "two", "a blurry", "an old", "a happy"]
_ZH = [
    "一只在雪地里奔跑的金毛犬",
    "海边的日落",
    "生日蛋糕和蜡烛",
    "山上的雪",
    "北京的夜景",
    "公园里玩耍的孩子",
    "红色的汽车",
    "森林小路",
    "婚礼照片",
    "早餐",
    "瀑布",
    "老城区的街道",
]


def query_texts(count: int) -> list[str]:
    """Distinct English and Chinese queries (distinct, so no cache answers them)."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        if i % 3 == 2:
            text = f"{_ZH[i % len(_ZH)]}{'' if i < len(_ZH) * 3 else i}"
        else:
            text = f"{_EN_MOD[i % len(_EN_MOD)]} {_EN[(i // 2) % len(_EN)]} {i}"
        if text not in out:
            out.append(text)
        i += 1
    return out


def measure_queries(
    n: int,
    precision: str = "auto",
    recall: bool = True,
    texts: int = 60,
    images: int = 12,
    recall_queries: int = 200,
) -> dict:
    """Open the cached library in this process and measure (see the module docstring).

    ``precision`` is the Library's tower precision ("auto": what the prepared manifest chose).
    """
    from photoalbum.core.query import Query, Term
    from photoalbum.library import Library

    paths = _paths(n)
    t0 = time.perf_counter()
    lib = Library(paths, precision=precision)
    if lib.spec.name != DEFAULT_MODEL:
        raise BenchError(f"library model is {lib.spec.name}, expected {DEFAULT_MODEL}")
    store = lib.store()
    open_s = time.perf_counter() - t0
    if len(store) != n:
        raise BenchError(f"index has {len(store)} vectors, expected {n}")
    out: dict = {"n": n, "precision": precision, "open_library_s": round(open_s, 3)}

    # Text queries through the facade, as the CLI and GUI run them.
    qs = query_texts(texts + 1)
    t = time.perf_counter()
    first = lib.search(lib.parse(qs[0]), k=20)
    out["text_first_ms"] = round(1000 * (time.perf_counter() - t), 1)  # loads the text tower
    # A large store walks text queries with the modality gap removed, once the gap's
    # projections are made (on a thread after the first text query; here made and timed
    # before the timed queries, so all of them take the path a session settles on).
    searcher = lib.searcher()
    pool = max(searcher.candidates, 4 * 20)
    out["text_gap"] = searcher.uses_text_gap(pool)
    if out["text_gap"]:
        out["text_gap_cached"] = lib.vectors.index_path().with_suffix(".textgap.npz").is_file()
        t = time.perf_counter()
        searcher.prepare_text_gap()
        out["text_gap_made_s"] = round(time.perf_counter() - t, 2)
    lat, enc, ann, kws, kwl, rescore = [], [], [], [], [], []
    for q in qs[1:]:
        t = time.perf_counter()
        res = lib.search(lib.parse(q), k=20)
        lat.append(1000 * (time.perf_counter() - t))
        enc.append(1000 * res.timings.get("encode", np.nan))
        ann.append(1000 * res.timings.get("ann", np.nan))
        kws.append(1000 * res.timings.get("keywords", np.nan))
        kwl.append(1000 * res.timings.get("keyword_lookup", np.nan))
        rescore.append(1000 * res.timings.get("rescore", np.nan))
    out["text_ms"] = {
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "encode_p50": median(enc),
        "ann_p50": median(ann),
        "keywords_p50": median(kws),
        "keyword_lookup_p50": median(kwl),
        "rescore_p50": median(rescore),
        "queries": len(lat),
        "hits_first": len(first.hits),
        "candidates_first": first.candidates,
    }
    # The text tower alone, one string (the searcher encodes the raw text plus its template).
    encoder = lib.encoder()
    solo = []
    for q in qs[1:21]:
        t = time.perf_counter()
        encoder.encode_texts([q + " solo"])
        solo.append(1000 * (time.perf_counter() - t))
    out["text_tower_one_string_ms_p50"] = median(solo)
    # Stage 1's parts apart: the keyword lookup (in-memory index, built by the first query)
    # and the ANN search of the pool.
    kw_ms, ann_ms = [], []
    for q in qs[1:21]:
        words = lib.parse(q).words
        t = time.perf_counter()
        searcher.keyword_hits(words, limit=pool)
        kw_ms.append(1000 * (time.perf_counter() - t))
        qvec = searcher.term_vectors(lib.parse(q).terms[0])[0]
        t = time.perf_counter()
        searcher.stage1(qvec, pool, like=False)
        ann_ms.append(1000 * (time.perf_counter() - t))
    out["stage1_parts_ms_p50"] = {"keywords": median(kw_ms), f"ann_k{pool}": median(ann_ms)}

    # Drag-in image queries: 12 MP JPEGs from outside the library.
    photos = sorted(ensure_photos(96).glob("*.jpg"))[: images + 1]
    t = time.perf_counter()
    lib.search(Query((Term(image_path=str(photos[0]), label=photos[0].name),)), k=20)
    out["image_first_ms"] = round(1000 * (time.perf_counter() - t), 1)
    from photoalbum.core.imaging import decode_photo

    dec_ms, pre_ms, tower_ms = [], [], []
    for p in photos[1:7]:  # the drag-in path's parts apart
        t = time.perf_counter()
        decoded = decode_photo(str(p), min_side=encoder.input_size)
        t1 = time.perf_counter()
        x = encoder.preprocess(decoded.image)[None]
        t2 = time.perf_counter()
        encoder.encode_images(x)
        t3 = time.perf_counter()
        dec_ms.append(1000 * (t1 - t))
        pre_ms.append(1000 * (t2 - t1))
        tower_ms.append(1000 * (t3 - t2))
    out["image_parts_ms_p50"] = {
        "decode": median(dec_ms),
        "preprocess": median(pre_ms),
        "image_tower": median(tower_ms),
    }
    ilat, ienc = [], []
    for p in photos[1:]:
        t = time.perf_counter()
        res = lib.search(Query((Term(image_path=str(p), label=p.name),)), k=20)
        ilat.append(1000 * (time.perf_counter() - t))
        ienc.append(1000 * res.timings.get("encode", np.nan))
    out["image_ms"] = {
        "p50": percentile(ilat, 50),
        "p95": percentile(ilat, 95),
        "decode_encode_p50": median(ienc),
        "queries": len(ilat),
    }

    out["tower_precision"] = {t: encoder.tower_precision(t) for t in ("image", "text")}
    if not recall:
        lib.close()
        return out
    # Recall@20 of the ANN stage vs exact, like and unlike queries; the truth is brute force over
    # the catalog's own vectors (the source of truth), the queries come from the recipe.
    recipe = VectorRecipe(n)
    ids, x = lib.live_vectors()
    ids = np.asarray(ids, dtype=np.int64)
    x = np.asarray(x, dtype=np.float32)
    searcher = lib.searcher()
    pool = searcher.candidates
    if out["text_gap"]:
        # The text side of the gap as the app estimates it from its text tower (the mean of
        # many text vectors): here 256 held-out draws of the unlike queries' distribution.
        searcher.prepare_text_gap(recipe.queries(256, "unlike", seed=99).mean(axis=0))
    for kind in ("like", "unlike"):
        qv = recipe.queries(recall_queries, kind)
        top = np.empty((len(qv), 20), dtype=np.int64)  # exact top-20 rows per query, unordered
        top_cos = []
        for c in range(0, len(qv), 32):  # bounded (n, 32) score blocks
            scores = x @ qv[c : c + 32].T
            part = np.argpartition(-scores, 19, axis=0)[:20]
            top[c : c + 32] = part.T
            top_cos.append(np.take_along_axis(scores, part, axis=0).mean(axis=0))
            del scores
        r20, rpool, tann = [], [], []
        like = kind == "like"  # as the searcher asks for image queries (a smaller ef)
        for qi in range(len(qv)):
            t = time.perf_counter()
            got, _ = store.search(qv[qi], 20, like=like)
            tann.append(1000 * (time.perf_counter() - t))
            got_pool, _ = searcher.stage1(qv[qi], pool, like=like)
            truth = set(ids[top[qi]].tolist())
            r20.append(len(truth & set(got.tolist())) / 20)
            rpool.append(len(truth & set(got_pool.tolist())) / 20)
        top_cos = float(np.concatenate(top_cos).mean())
        out[f"recall_{kind}"] = {
            "recall20_k20": float(np.mean(r20)),
            f"recall20_in_pool{pool}": float(np.mean(rpool)),
            "ann_k20_ms_p50": median(tann),
            "mean_top20_cos": top_cos,
        }
    del x
    lib.close()
    return out


def _child(n: int, out: str, precision: str, recall: bool) -> int:
    data = measure_queries(n, precision, recall)
    Path(out).write_text(json.dumps(data, indent=1))
    return 0


def _measure_in_child(n: int, precision: str, recall: bool) -> dict:
    from bench import run_timed

    out = OUT / f"query-{n}-{precision}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.bench_query", "--child", str(n), str(out), precision]
    run_timed(cmd + ([] if recall else ["--no-recall"]), timeout=7200)
    return json.loads(out.read_text())


def run(sizes: Sequence[int] = (100_000,)) -> dict:
    """Build (or reuse) each library, then measure it in a fresh process; rows for the table."""
    ensure_model(DEFAULT_MODEL)
    ensure_photos(96)
    rows: list[Row] = []
    details: dict = {}
    for n in sizes:
        build = ensure_library(n, with_files=(n <= 200_000))
        m = _measure_in_child(n, "auto", recall=True)
        # Forced INT8 towers, for comparison (auto uses the manifest's per-tower decision).
        m8 = _measure_in_child(n, "int8", recall=False)
        details[str(n)] = {"build": build, "measure": m, "measure_int8": m8}
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        big = n >= 1_000_000
        for mm, how in ((m, "auto"), (m8, "int8")):
            tm = mm["text_ms"]
            parts = mm["stage1_parts_ms_p50"]
            ann_key = next(k for k in parts if k.startswith("ann_k"))
            prec = "/".join(f"{t} {p}" for t, p in mm["tower_precision"].items())
            rows.append(
                Row(
                    NAME,
                    f"text query p50/p95 @{label}, precision {how} ({prec})",
                    f"{fmt(tm['p50'])} / {fmt(tm['p95'])} ms (encode {fmt(tm['encode_p50'])}, "
                    f"ANN {fmt(tm['ann_p50'])}, keywords {fmt(tm['keywords_p50'])} "
                    f"(look-up beside the tower {fmt(tm.get('keyword_lookup_p50'), 2)}; "
                    f"alone: {fmt(parts['keywords'])}; {ann_key.replace('_', ' ')} alone "
                    f"{fmt(parts[ann_key], 2)}), "
                    f"stage 2 {fmt(tm['rescore_p50'])})",
                    f"p50 <= {TARGET_TEXT_P50_MS:g} ms" + ("" if big else " (at 1M)"),
                    tm["p50"] <= TARGET_TEXT_P50_MS if big else None,
                )
            )
        rows.append(
            Row(
                NAME,
                f"  text tower alone, one string @{label}",
                f"{fmt(m['text_tower_one_string_ms_p50'])} ms p50 (first query "
                f"{fmt(m['text_first_ms'], 0)} ms incl. session load)",
            )
        )
        rows.append(
            Row(
                NAME,
                f"  text queries walk with the gap removed @{label}",
                "yes; ready in "
                + "; ".join(
                    f"{fmt(mm.get('text_gap_made_s'), 1)} s ({how}: "
                    + ("from the cache file)" if mm.get("text_gap_cached") else "all read back)")
                    for mm, how in ((m, "auto"), (m8, "int8"))
                )
                if m["text_gap"]
                else "no (the true query's ef is small enough)",
            )
        )
        for mm, how in ((m, "auto"), (m8, "int8")):
            im = mm["image_ms"]
            ip = mm["image_parts_ms_p50"]
            rows.append(
                Row(
                    NAME,
                    f"drag-in 12 MP JPEG query p50/p95 @{label}, precision {how} "
                    f"(image {mm['tower_precision']['image']})",
                    f"{fmt(im['p50'])} / {fmt(im['p95'])} ms (decode {fmt(ip['decode'])} + "
                    f"preprocess {fmt(ip['preprocess'])} + tower {fmt(ip['image_tower'])})",
                    f"p50 <= {TARGET_IMAGE_P50_MS:g} ms",
                    im["p50"] <= TARGET_IMAGE_P50_MS,
                )
            )
        for kind in ("like", "unlike"):
            r = m[f"recall_{kind}"]
            pool_key = next(k for k in r if k.startswith("recall20_in_pool"))
            # Judged on the search path's ANN stage: the searcher asks the index for a pool of
            # candidates, so recall@20 = share of the exact top 20 that the pool contains. The
            # bare store.search(k=20) figure (ef chosen for k=20) is shown beside it.
            rows.append(
                Row(
                    NAME,
                    f"recall@20 of the ANN stage vs exact @{label}, queries {kind} the vectors",
                    f"{r[pool_key]:.3f} (searcher's {pool_key[len('recall20_in_pool') :]}-"
                    f"candidate pool); bare k=20 search {r['recall20_k20']:.3f}; "
                    f"mean top-20 cosine {r['mean_top20_cos']:.2f}",
                    f">= {TARGET_RECALL}",
                    r[pool_key] >= TARGET_RECALL,
                )
            )
        rows.append(
            Row(
                NAME,
                f"  library build @{label} (cached)",
                f"catalog {build.get('catalog_s')} s, hnsw {build.get('index_build_s')} s, "
                f"open {m['open_library_s']} s",
            )
        )
    return {"rows": [r.as_dict() for r in rows], "details": details}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_query [--full]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also 1M vectors (slow build, cached)")
    ap.add_argument("--sizes", type=int, nargs="+", metavar="N", help="measure these sizes only")
    ap.add_argument("--child", nargs=3, metavar=("N", "OUT", "PRECISION"), help=argparse.SUPPRESS)
    ap.add_argument("--no-recall", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--build", type=int, metavar="N", help="only (re)build the library of N")
    ap.add_argument("--writer", choices=("bulk", "commit_batch"), default="bulk")
    ap.add_argument("--library", type=Path, help="with --build: build there, not in the cache")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.build:
        record = ensure_library(
            args.build,
            with_files=args.build <= 200_000,
            writer=args.writer,
            rebuild=True,
            library=args.library,
        )
        sys.stdout.write(json.dumps(record, indent=1) + "\n")
        return 0
    if args.child:
        return _child(int(args.child[0]), args.child[1], args.child[2], not args.no_recall)
    sizes = args.sizes or ((100_000, 1_000_000) if args.full else (100_000,))
    result = run(sizes)
    sys.stdout.write(json.dumps(result, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
