"""Drag-in image query apart: paired A/B of the decode and image-tower choices, one process.

A photo dropped on the window is searched as ``Term(image_path=…)``: the searcher decodes it
(:func:`photoalbum.core.imaging.decode_photo`, JPEG draft mode down to ≥ the model input),
preprocesses it, runs the batch-1 image tower and searches the index. On a shared 2-core machine
absolute figures drift from minute to minute, so every variant runs on the same photo in turn
(round robin) and each is also given as the median of its per-photo ratio to the baseline:

* decode: draft (what the search does) vs full-size decode;
* image tower: the library's precision vs INT8 vs fp32, and the session options tried for a
  batch of one (spin-waiting threads, one thread instead of all cores, ORT's CPU memory arena);
* the search part alone (ANN, stage 2, the hits' rows) with the vector made beforehand, as
  the GUI asks (k=200, the dropped bytes);
* the whole search through the library (decode + tower + ANN + stage 2) at precision "auto"
  (the manifest's choice) and INT8, each time with a photo it has not seen (the searcher caches
  results and query vectors).

Run: ``python -m bench.bench_dragin [--rounds 3]`` (uses ``bench_query``'s cached 100k library).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from bench import DEFAULT_MODEL, BenchError, Row, ensure_photos, fmt, percentile

logger = logging.getLogger(__name__)

NAME = "dragin"
N = 100_000
TARGET_P50_MS = 50.0


def _session_variant(  # type: ignore[no-untyped-def]
    encoder, spin: bool, threads: int, arena: bool = False
):
    """A raw ORT session of ``encoder``'s image tower with other options (for the A/B only)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    opts.enable_cpu_mem_arena = arena
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    path = encoder.model.tower_file("image", encoder.tower_precision("image"))
    session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})


def measure(rounds: int = 3, photos: int = 12) -> dict:
    """Paired timings (ms) of the drag-in path's variants on ``photos`` 12 MP JPEGs."""
    from bench.bench_query import _paths, ensure_library
    from photoalbum.core.imaging import decode_photo
    from photoalbum.core.models.encoder import ClipEncoder
    from photoalbum.core.query import Query, Term
    from photoalbum.library import Library

    ensure_library(N, with_files=True)  # as bench_query and bench_app_rss: no rebuild
    # The searcher caches results and query vectors: each whole search gets a photo of its own.
    files = sorted(ensure_photos(96).glob("*.jpg"))
    if len(files) < 1 + photos * (rounds + 1):
        raise BenchError(f"{rounds} rounds of {photos} photos need more than {len(files)} photos")
    libs = {p: Library(_paths(N), precision=p) for p in ("auto", "int8")}
    lib = libs["auto"]
    if lib.spec.name != DEFAULT_MODEL:
        raise BenchError(f"library model is {lib.spec.name}, expected {DEFAULT_MODEL}")
    for one in libs.values():
        one.store()
    enc = lib.encoder()
    size = enc.input_size
    int8 = ClipEncoder(enc.model, "int8")
    fp32 = ClipEncoder(enc.model, "fp32")
    decoded = [decode_photo(str(p), min_side=size).image for p in files[: photos + 1]]
    x = [enc.preprocess(im)[None] for im in decoded]
    fresh = {p: iter(files[photos + 1 :]) for p in libs}  # each library its own unseen photos

    def search(how: str) -> Callable[[int], object]:
        def one(_i: int) -> object:
            p = next(fresh[how])
            return libs[how].search(Query((Term(image_path=str(p), label=p.name),)), k=20)

        return one

    variants: dict[str, Callable[[int], object]] = {
        "decode draft": lambda i: decode_photo(str(files[i]), min_side=size),
        "decode full": lambda i: decode_photo(str(files[i]), min_side=0),
        "preprocess": lambda i: enc.preprocess(decoded[i]),
        "tower int8": lambda i: int8.encode_images(x[i]),
        "tower fp32": lambda i: fp32.encode_images(x[i]),
    }
    spin = _session_variant(int8, spin=True, threads=int8.threads)
    single = _session_variant(int8, spin=False, threads=1)
    arena = _session_variant(int8, spin=False, threads=int8.threads, arena=True)
    variants["tower int8, spinning threads"] = lambda i: spin(x[i])
    variants["tower int8, 1 thread"] = lambda i: single(x[i])
    variants["tower int8, CPU memory arena"] = lambda i: arena(x[i])
    # The search part alone, as the GUI asks (k=200, dropped bytes): the vector made beforehand.
    ready = [Term(image_bytes=p.read_bytes(), label=p.name) for p in files[photos + 1 :]]
    for term in ready:
        libs["int8"].searcher().term_vectors(term)
    fresh_ready = iter(ready)
    variants["search part (vector ready), k=200"] = lambda _i: libs["int8"].search(
        Query((next(fresh_ready),)), k=200
    )
    variants[f"whole search, auto (image {enc.tower_precision('image')})"] = search("auto")
    variants["whole search, int8"] = search("int8")
    for f in variants.values():  # load every session, build the searchers' caches
        f(0)
    ms: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):
        for i in range(1, photos + 1):
            for k, f in variants.items():
                t = time.perf_counter()
                f(i)
                ms[k].append(1000 * (time.perf_counter() - t))
    base = {"decode": np.asarray(ms["decode draft"]), "tower": np.asarray(ms["tower int8"])}
    out: dict = {"precision": {t: enc.tower_precision(t) for t in ("image", "text")}, "ms": {}}
    for k, v in ms.items():
        ref = base["decode"] if k.startswith("decode") else base["tower"]
        if k.startswith("whole"):
            ref = np.asarray(ms["whole search, int8"])
        elif k.startswith("search part"):
            ref = np.asarray(v)
        out["ms"][k] = {
            "p50": percentile(v, 50),
            "p95": percentile(v, 95),
            "ratio_p50": round(float(np.median(np.asarray(v) / ref)), 3),
        }
    for one in libs.values():
        one.close()
    return out


def run(rounds: int = 3) -> dict:
    """Measure and return rows for the summary table."""
    m = measure(rounds)
    ms = m["ms"]
    rows = [
        Row(
            NAME,
            f"drag-in 12 MP JPEG @100k, {k}",
            f"{fmt(v['p50'])} / {fmt(v['p95'])} ms p50/p95; paired ratio {v['ratio_p50']}",
            f"p50 <= {TARGET_P50_MS:g} ms",
            v["p50"] <= TARGET_P50_MS,
        )
        for k, v in ms.items()
        if k.startswith("whole")
    ]
    rows += [
        Row(NAME, f"  {k}", f"{fmt(v['p50'])} / {fmt(v['p95'])} ms; paired ratio {v['ratio_p50']}")
        for k, v in ms.items()
        if not k.startswith("whole")
    ]
    return {"rows": [r.as_dict() for r in rows], "measure": m}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_dragin``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="at most 6 (96 photos)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    sys.stdout.write(json.dumps(run(args.rounds), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
