"""Candidate generation for text queries: the true query at a high ``ef`` vs a walk that removes the
modality gap, on ``bench_query``'s cached synthetic library.

Text queries sit across CLIP's modality gap: every text embedding shares a large component along
the text mean, which is not where the photos are, and its small, fixed projections onto the
photos' own directions favour the same photos for every text query. The recipe's "unlike" queries
have that structure: a shared text direction (orthogonal to the photos' mean), a weaker pull
towards one cluster and their own noise (``bench.bench_query.VectorRecipe.queries``). The text
mean is estimated as the app would estimate it from its text tower: the mean of many text
vectors, here 256 held-out draws of the same distribution (not the recipe's direction itself).

Compared, for the searcher's 200-candidate pool (``store.search(q, 200)``): the true query at
``ef`` from :func:`photoalbum.core.vectorstore.auto_ef` and at fixed ``ef`` values, and walks
whose query is (a) centred: its component along the text mean removed, (b) shifted: plus the
photo mean minus the text mean; those also with a pool three times as large. Each pool's
recall@20 is the share of the exact top 20 (brute force with the true query) it holds: exact
rescoring of the pool by the true query ranks them first. Times are the graph walk alone; a pool found with another query needs its exact scores
with the true one (the catalog read of the pool's vectors is timed too).

``python -m bench.bench_text_ann --sizes 100000 1000000``
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence

import numpy as np

from bench import BenchError, median

logger = logging.getLogger(__name__)

POOL = 200


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def measure(n: int, queries: int = 200, efs: Sequence[int] = (256, 448, 1000, 2000)) -> dict:
    """Recall@20 in the pool and walk time per variant on the cached library of ``n``."""
    from bench.bench_query import VectorRecipe, _paths, library_dir
    from photoalbum.core.vectorstore import HnswStore, auto_ef
    from photoalbum.library import Library

    if not library_dir(n).with_name(library_dir(n).name + ".complete").is_file():
        raise BenchError(f"no cached library of {n}: run python -m bench.bench_query --build {n}")
    lib = Library(_paths(n))
    store = lib.store()
    if not isinstance(store, HnswStore):
        raise BenchError(f"the library's vector store is {type(store).__name__}, not hnswlib")
    ids, x = lib.live_vectors()
    ids = np.asarray(ids, dtype=np.int64)
    x = np.asarray(x, dtype=np.float32)
    recipe = VectorRecipe(n)
    text_mean = recipe.queries(256, "unlike", seed=99).mean(axis=0)  # held out: another seed
    photo_mean = x[:: max(1, n // 2048)].mean(axis=0)  # as the searcher's background sample
    t_hat = text_mean / np.linalg.norm(text_mean)
    out: dict = {"n": n, "auto_ef": auto_ef(n, POOL), "queries": queries, "variants": {}}
    for kind in ("unlike", "like"):
        qv = recipe.queries(queries, kind)
        truth: list[set[int]] = []
        for c in range(0, len(qv), 32):
            scores = x @ qv[c : c + 32].T
            part = np.argpartition(-scores, 19, axis=0)[:20]
            truth.extend(set(ids[col].tolist()) for col in part.T)
            del scores
        walks = {
            "centred": _unit(qv - (qv @ t_hat)[:, None] * t_hat[None]),
            "shifted": qv - text_mean[None] + photo_mean[None],
        }
        plans: list[tuple[str, np.ndarray, int | None, int]] = [("true, auto ef", qv, None, POOL)]
        plans += [(f"true, ef {ef}", qv, ef, POOL) for ef in efs]
        if kind == "unlike":
            for name, w in walks.items():
                plans += [(f"{name}, ef {ef}", w, ef, POOL) for ef in efs]
                # a bigger pool to rescore: the walk's ranking is not the true query's
                plans += [(f"{name}, ef {ef}, pool {3 * POOL}", w, ef, 3 * POOL) for ef in efs[:2]]
        for name, walk, ef, pool in plans:
            store.set_ef(ef)
            rec, ms = [], []
            for qi in range(len(qv)):
                t = time.perf_counter()
                got, _ = store.search(walk[qi], pool)
                ms.append(1000 * (time.perf_counter() - t))
                rec.append(len(truth[qi] & set(got.tolist())) / 20)
            out["variants"][f"{kind}: {name}"] = {
                "recall20_in_pool": round(float(np.mean(rec)), 4),
                "walk_ms_p50": round(median(ms), 3),
            }
            logger.info("%d %s: %s", n, f"{kind}: {name}", out["variants"][f"{kind}: {name}"])
    store.set_ef(None)
    searcher = lib.searcher()
    rng = np.random.default_rng(0)
    for size in (POOL, 3 * POOL):
        read = []
        for _ in range(20):
            some = np.sort(rng.choice(ids, size, replace=False))
            t = time.perf_counter()
            searcher._read_vectors(some)
            read.append(1000 * (time.perf_counter() - t))
        out[f"catalog_read_{size}_vectors_ms_p50"] = round(median(read), 3)
    lib.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_text_ann [--sizes N ...]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000], metavar="N")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    result = [measure(n, args.queries) for n in args.sizes]
    sys.stdout.write(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
