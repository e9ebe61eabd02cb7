"""Benchmark scenes: clustering time and peak memory at 100k / 1M vectors, incremental assignment.

Usage (from the repository root, in the venv):
    python bench/bench_scenes.py                    # 100k
    python bench/bench_scenes.py --sizes 100000 1000000
    python bench/bench_scenes.py --quality          # ARI of cut strategies on planted clusters

Each size runs in a fresh process: the planted vectors (512-d, tests/core/scenes/planted.py) are
written to a temp .npy by one process and loaded by another, so "peak RSS" is the clustering's
own high-water mark above the loaded vectors.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photoalbum.core.scenes import clustering as cl  # noqa: E402
from photoalbum.core.scenes.duplicates import find_duplicates  # noqa: E402
from photoalbum.core.scenes.scene_index import SceneIndex  # noqa: E402
from tests.core.scenes.planted import planted_clusters  # noqa: E402

logger = logging.getLogger(__name__)


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _generate(n: int, dim: int, clusters: int, out: Path) -> None:
    x, y = planted_clusters(n=n + 1000, n_clusters=clusters, dim=dim, seed=1)
    np.save(out / "x.npy", x)
    np.save(out / "y.npy", y)


def _measure(work: Path) -> dict[str, float]:
    x = np.load(work / "x.npy")
    y = np.load(work / "y.npy")
    n = len(x) - 1000
    ids = np.arange(1, len(x) + 1, dtype=np.int64)
    base = _rss_kb("VmRSS")
    index = SceneIndex(work / "state")
    t0 = time.perf_counter()
    index.update(ids[:n], x[:n])
    full_s = time.perf_counter() - t0
    peak = _rss_kb("VmHWM")
    pred = np.full(n, -1)
    for k, scene in enumerate(index.scenes()):
        pred[np.asarray(scene.photo_ids) - 1] = k
    ari = cl.adjusted_rand_index(y[:n], pred)
    t0 = time.perf_counter()
    index.save()
    save_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.update(ids, x)
    inc_s = time.perf_counter() - t0
    placed = 1000 - int(np.isin(ids[n:], index.unclustered_ids()).sum())
    t0 = time.perf_counter()
    find_duplicates(ids, x, lambda _id: None)  # candidate search only: no thumbnails here
    dup_s = time.perf_counter() - t0
    return {
        "n": n,
        "full_s": full_s,
        "peak_mb": (peak - base) / 1024,
        "base_mb": base / 1024,
        "ari": ari,
        "scenes": len(index.scenes()),
        "inc_s": inc_s,
        "inc_mode": index.last_run,
        "placed": placed,
        "new_noise": int((y[n:] < 0).sum()),
        "save_s": save_s,
        "dup_s": dup_s,
    }


def bench_sizes(sizes: list[int], dim: int) -> None:
    print(
        f"{'N':>9} {'scenes':>6} {'ARI':>6} {'cluster s':>9} {'peak MB':>8} {'vectors MB':>10} "
        f"{'+1000 s':>8} {'placed':>9} {'save s':>6} {'dups s':>6}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-scenes-") as tmp:
            clusters = max(20, min(1000, n // 500))
            subprocess.run(
                [sys.executable, __file__, "--_generate", str(n), str(dim), str(clusters), tmp],
                check=True,
            )
            out = subprocess.run(
                [sys.executable, __file__, "--_measure", tmp],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"{r['n']:>9} {r['scenes']:>6} {r['ari']:>6.3f} {r['full_s']:>9.1f} "
                f"{r['peak_mb']:>8.0f} {r['base_mb']:>10.0f} {r['inc_s']:>8.3f} "
                f"{r['placed']:>4}/1000 {r['save_s']:>6.2f} {r['dup_s']:>6.1f}",
                flush=True,
            )
            print(
                f"{'':>9} (planted {clusters} scenes + 15% unique photos; of the 1000 new, "
                f"{r['new_noise']} are unique photos that should stay out)"
            )


def _gap_cut(x: np.ndarray, min_size: int = 5) -> np.ndarray:
    """Alternative automatic cut: the largest drop between successive merge heights."""
    x = cl.unit_rows(x)
    b = cl.background_cosine(x)
    centres = cl.spherical_kmeans(x, cl.default_micro_k(len(x)))
    cell, _ = cl.best_match(x, centres)
    sums, counts = cl.group_sums(x, cell, len(centres))
    h = cl.merge_cells(sums, counts, floor=b)
    gaps = h.sim[:-1] - h.sim[1:]
    i = int(gaps.argmax())
    t = (h.sim[i] + h.sim[i + 1]) / 2
    labels = h.cut(t)[cell]
    for _ in range(2):
        g = int(labels.max()) + 1
        s, c = cl.group_sums(x, labels, g)
        labels, _ = cl.assign_members(x, s, c, t, current=labels)
        labels = cl.relabel_by_size(labels, min_size)
    return labels


def bench_quality(dim: int) -> None:
    levels = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4]
    cases = [(n, k, seed) for seed in range(3) for n, k in ((3000, 20), (20000, 80))]
    rows: dict[str, list[float]] = {f"relative level {lv}": [] for lv in levels}
    rows["largest-gap cut"] = []
    rows["k-means, true k (no noise handling)"] = []
    for n, k, seed in cases:
        x, y = planted_clusters(n=n, n_clusters=k, dim=dim, seed=seed)
        for lv in levels:
            r = cl.cluster_vectors(x, cl.ClusterParams(level=lv))
            rows[f"relative level {lv}"].append(cl.adjusted_rand_index(y, r.labels))
        rows["largest-gap cut"].append(cl.adjusted_rand_index(y, _gap_cut(x)))
        centres = cl.spherical_kmeans(x, k, iters=30, seed=seed)
        lab, _ = cl.best_match(cl.unit_rows(x), centres)
        rows["k-means, true k (no noise handling)"].append(cl.adjusted_rand_index(y, lab))
    head = " ".join(f"{n // 1000}k/s{s}" for n, _, s in cases)
    print(f"{'method':<38} {head}   mean    min")
    for name, vals in rows.items():
        cells = " ".join(f"{v:6.3f}" for v in vals)
        print(f"{name:<38} {cells} {np.mean(vals):6.3f} {np.min(vals):6.3f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_generate":
        n, dim, clusters, out = sys.argv[2:6]
        _generate(int(n), int(dim), int(clusters), Path(out))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--_measure":
        print(json.dumps(_measure(Path(sys.argv[2]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--quality", action="store_true", help="ARI of cut strategies instead")
    args = ap.parse_args()
    if args.quality:
        bench_quality(args.dim)
    else:
        bench_sizes(args.sizes, args.dim)


if __name__ == "__main__":
    main()
