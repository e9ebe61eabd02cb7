"""Indexing throughput: our whole ``photoalbum index`` process vs the seed's loop, same photos, one run.

Both sides are timed from outside as whole processes (interpreter start, imports, model load or
build, decode, encode and, on our side, scan, EXIF, fingerprints, thumbnails, catalog commits and
the index save). The model ``random:ViT-B-32`` is prepared once beforehand in the shared models
dir; preparation is one-time and not part of indexing. Runs alternate (seed, ours, variants...,
rotated each round) and each round's ratio uses that round's seed run, because a shared machine
is noisy (absolute rates move by up to 40 % between runs): only ratios taken side by side mean
anything.

A last, separate run of our indexer with stage timers (``--profile-child``) says where the time
goes: decode vs preprocess vs thumbnails vs fingerprints on the decode threads, encode vs commit
vs waiting for decodes on the main thread.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import resource
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench import (
    INDEX_MODEL,
    MODELS,
    OUT,
    BenchError,
    Row,
    ensure_model,
    ensure_photos,
    fmt,
    median,
    photoalbum_cmd,
    run_timed,
)

logger = logging.getLogger(__name__)

NAME = "index"
TARGET_RATIO = 6.0

#: In a variant's options: run the default background passes too (no ``--no-passes``).
WITH_PASSES = "<with passes>"
#: (label, extra ``index`` options). The first is our default configuration.
VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default", ()),
    # What a user runs: plain ``index``, the CLIP pass and then the default background passes.
    ("index with passes", (WITH_PASSES,)),
    ("batch 16", ("--batch-size", "16")),
    ("batch 64", ("--batch-size", "64")),
    ("1 decode worker", ("--decode-workers", "1")),
    ("2 decode workers", ("--decode-workers", "2")),
    ("3 decode workers", ("--decode-workers", "3")),
)
#: Global options variants (before the command): precision.
#: "auto" (the default) uses the precision the prepared manifest chose per tower from its own
#: speed and agreement measurements; these force one.
GLOBAL_VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("int8 towers", ("--precision", "int8")),
    ("fp32 towers", ("--precision", "fp32")),
)
#: (label, ``index`` options, global options): one core each for decoding and ONNX Runtime,
#: instead of both pools sharing the two cores (oversubscription stalls ORT's parallel ops).
SPLIT_VARIANTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("1 ORT thread + 1 decode worker", ("--decode-workers", "1"), ("--threads", "1")),
    ("1 ORT thread + 2 decode workers", ("--decode-workers", "2"), ("--threads", "1")),
)


def _seed_cmd(photo_dir: Path) -> list[str]:
    return [sys.executable, "-m", "bench.seed_loop", str(photo_dir)]


def _ours_cmd(
    library: Path, photo_dir: Path, extra: Sequence[str] = (), global_extra: Sequence[str] = ()
) -> list[str]:
    return photoalbum_cmd() + [
        "--library",
        str(library),
        "--models-dir",
        str(MODELS),
        "--model",
        INDEX_MODEL,
        "-q",
        *global_extra,
        "index",
        str(photo_dir),
        "--json",
        # The CLIP pass is what the first target is about; the background passes (text, faces)
        # run after it: the "index with passes" variant measures them as a user meets them.
        *(() if WITH_PASSES in extra else ("--no-passes",)),
        *(e for e in extra if e != WITH_PASSES),
    ]


def _scratch() -> Path:
    path = OUT / "tmp" / f"lib-{uuid.uuid4().hex[:10]}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def run_seed(photo_dir: Path, n: int) -> dict:
    """One timed seed-loop process."""
    t = run_timed(_seed_cmd(photo_dir), timeout=3600)
    info = t.json()
    if info.get("n") != n:
        raise BenchError(f"seed loop encoded {info.get('n')} photos, expected {n}")
    return {"seconds": t.seconds, "rate": n / t.seconds, "inside": info}


def run_ours(
    photo_dir: Path, n: int, extra: Sequence[str] = (), global_extra: Sequence[str] = ()
) -> dict:
    """One timed ``photoalbum index`` process on a fresh library (deleted afterwards)."""
    library = _scratch()
    cpu0 = _children_cpu()
    try:
        t = run_timed(_ours_cmd(library, photo_dir, extra, global_extra), timeout=3600)
        cpu = _children_cpu() - cpu0
        report = t.json()
    finally:
        shutil.rmtree(library, ignore_errors=True)
    if report.get("indexed") != n or report.get("failed"):
        raise BenchError(
            f"photoalbum index: indexed {report.get('indexed')}, failed "
            f"{report.get('failed')} of {n}: {report.get('failures')}"
        )
    return {
        "seconds": t.seconds,
        "rate": n / t.seconds,
        "cpu_seconds": cpu,
        "indexer_seconds": report.get("seconds"),
    }


def _children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for child processes so far: a shared machine
    moves a run's wall time far more than its CPU time."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _warm_up(photo_dir: Path) -> None:
    """One small untimed run of each side: page cache for libraries and photos, ORT warm-up."""
    small = OUT / "tmp" / "warm-photos"
    if not small.is_dir():
        small.mkdir(parents=True, exist_ok=True)
        for p in sorted(photo_dir.glob("*.jpg"))[:4]:
            shutil.copyfile(p, small / p.name)
    run_timed(_seed_cmd(small), timeout=900)
    library = _scratch()
    try:
        run_timed(_ours_cmd(library, small), timeout=900)
    finally:
        shutil.rmtree(library, ignore_errors=True)
    for p in photo_dir.glob("*.jpg"):  # read the photos once so both sides see them cached
        with open(p, "rb") as f:
            while f.read(1 << 20):
                pass


def run(
    photos: int = 96,
    rounds: int = 2,
    variants: bool = True,
    profile: bool = True,
    only: Sequence[str] = (),
) -> dict:
    """The whole bench; returns ``{"rows": [...], ...details}``. ``only``: run just these
    variants (by label) beside the seed and the default."""
    photo_dir = ensure_photos(photos)
    n = len(list(photo_dir.glob("*.jpg")))
    model = ensure_model(INDEX_MODEL)
    _warm_up(photo_dir)

    configs: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
        (label, extra, ()) for label, extra in (VARIANTS if variants else VARIANTS[:1])
    ]
    if variants:
        configs += [(label, (), g) for label, g in GLOBAL_VARIANTS]
        configs += list(SPLIT_VARIANTS)
    if only:
        unknown = set(only) - {c[0] for c in configs}
        if unknown:
            raise BenchError(f"unknown variants: {', '.join(sorted(unknown))}")
        configs = [c for c in configs if c[0] == "default" or c[0] in only]
    labels = ["seed"] + [c[0] for c in configs]
    runs: dict[str, list[dict]] = {label: [] for label in labels}
    ratios: dict[str, list[float]] = {c[0]: [] for c in configs}
    for r in range(rounds):
        # Rotate the order each round, spread over the rounds: no config keeps a fixed position.
        shift = (r * len(labels)) // max(1, rounds)
        order = labels[shift:] + labels[:shift]
        got: dict[str, dict] = {}
        for label in order:
            if label == "seed":
                got[label] = run_seed(photo_dir, n)
            else:
                _, extra, g = next(c for c in configs if c[0] == label)
                got[label] = run_ours(photo_dir, n, extra, g)
            runs[label].append(got[label])
            logger.info(
                "round %d %-18s %6.2f s  %5.2f img/s",
                r + 1,
                label,
                got[label]["seconds"],
                got[label]["rate"],
            )
        for label in ratios:
            ratios[label].append(got[label]["rate"] / got["seed"]["rate"])

    summary = {
        label: {
            "rate_median": median([x["rate"] for x in runs[label]]),
            "seconds": [round(x["seconds"], 2) for x in runs[label]],
        }
        for label in labels
    }
    for label, rs in ratios.items():
        summary[label]["ratio_median"] = median(rs)
        summary[label]["ratios"] = [round(x, 2) for x in rs]
        summary[label]["cpu_median"] = median([x["cpu_seconds"] for x in runs[label]])
    seed_inside = [x["inside"] for x in runs["seed"]]
    seed_loop_rate = median([s["n"] / s["loop_s"] for s in seed_inside])
    best = max(ratios, key=lambda k: summary[k]["ratio_median"])

    prof = prof_nospin = None
    if profile:
        prof = profile_ours(photo_dir, n)
        prof_nospin = profile_ours(photo_dir, n, no_spin=True, isolated=False)

    d = summary["default"]
    rows = [
        Row(
            NAME,
            f"seed loop, whole process ({n} x 12 MP)",
            f"{fmt(summary['seed']['rate_median'], 2)} img/s (loop alone "
            f"{fmt(seed_loop_rate, 2)} img/s)",
        ),
        Row(NAME, "ours, whole `photoalbum index` process", f"{fmt(d['rate_median'], 2)} img/s"),
        Row(
            NAME,
            "ratio ours/seed (default settings)",
            f"{fmt(d['ratio_median'], 2)}x (rounds: {', '.join(map(str, d['ratios']))})",
            f">= {TARGET_RATIO:g}x",
            d["ratio_median"] >= TARGET_RATIO,
        ),
    ]
    if variants:
        rows.append(
            Row(
                NAME,
                "best variant",
                f"{best}: {fmt(summary[best]['ratio_median'], 2)}x "
                f"({fmt(summary[best]['rate_median'], 2)} img/s)",
            )
        )
        for label, _, _ in configs[1:]:
            rows.append(
                Row(
                    NAME,
                    f"  variant {label}",
                    f"{fmt(summary[label]['ratio_median'], 2)}x "
                    f"({fmt(summary[label]['rate_median'], 2)} img/s)",
                )
            )
    if "index with passes" in summary:
        # Both whole processes in the same round: the passes' cost as a user meets it.
        w = summary["index with passes"]
        by_round = [
            a["rate"] / b["rate"]
            for a, b in zip(runs["index with passes"], runs["default"], strict=True)
        ]
        cpu = [
            b["cpu_seconds"] / a["cpu_seconds"]
            for a, b in zip(runs["index with passes"], runs["default"], strict=True)
        ]
        rows.append(
            Row(
                NAME,
                "`index` with its passes ÷ `index --no-passes`: photos/s (CPU s "
                f"{fmt(w['cpu_median'], 1)} vs {fmt(d['cpu_median'], 1)}; CPU ratio "
                f"{fmt(median(cpu), 2)})",
                f"{fmt(median(by_round), 2)} (rounds: {', '.join(fmt(x, 2) for x in by_round)})",
                ">= 0.8",
                median(by_round) >= 0.8,
            )
        )
    if prof is not None and prof_nospin is not None:
        rows.append(Row(NAME, "where time goes (profiled run)", prof["line"]))
        if "isolated_line" in prof:
            rows.append(Row(NAME, "  stages alone (same run)", prof["isolated_line"]))
        rows.append(Row(NAME, "  experiment: ORT without spin-waiting", prof_nospin["line"]))
    return {
        "rows": [r.as_dict() for r in rows],
        "photos": n,
        "photo_dir": str(photo_dir),
        "model": {k: model.get(k) for k in ("name", "model_key", "towers", "_prepare_process_s")},
        "runs": runs,
        "summary": summary,
        "best": best,
        "profile": prof,
        "profile_no_spin": prof_nospin,
        "seed_inside": seed_inside,
    }


# --- stage profile ------------------------------------------------------------------------------
class StageTimer:
    """Wall and thread-CPU time per stage, split into the main thread and the others.

    Wall time on a busy 2-core machine includes waiting for a core; the calling thread's CPU
    time (``time.thread_time``) is the work itself. For the ORT encode call the CPU figure covers
    only the calling thread, not ORT's own pool threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # stage → [main wall, other wall, main cpu, other cpu, calls]
        self.totals: dict[str, list[float]] = {}

    def add(self, stage: str, wall: float, cpu: float) -> None:
        """Record one call of ``stage``."""
        other = threading.current_thread() is not threading.main_thread()
        with self._lock:
            t = self.totals.setdefault(stage, [0.0, 0.0, 0.0, 0.0, 0])
            t[int(other)] += wall
            t[2 + int(other)] += cpu
            t[4] += 1

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` with its calls timed under ``stage``."""

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - t0, time.thread_time() - c0)

        return timed

    def patch(self, owner: Any, attr: str, stage: str) -> bool:
        """Replace ``owner.attr`` by a timed wrapper; False if it does not exist (engine changed)."""
        fn = getattr(owner, attr, None)
        if fn is None:
            logger.warning("profile: %s.%s not found; stage %s not timed", owner, attr, stage)
            return False
        setattr(owner, attr, self.wrap(stage, fn))
        return True

    def as_dict(self) -> dict[str, dict[str, float]]:
        """{stage: {main_s, threads_s, main_cpu_s, threads_cpu_s, calls}}."""
        return {
            k: {
                "main_s": round(v[0], 3),
                "threads_s": round(v[1], 3),
                "main_cpu_s": round(v[2], 3),
                "threads_cpu_s": round(v[3], 3),
                "calls": int(v[4]),
            }
            for k, v in sorted(self.totals.items())
        }


DECODE_STAGES = (
    "decode (draft JPEG, EXIF, RGB)",
    "preprocess (resize/crop/normalise)",
    "thumbnail encode",
    "thumbnail write",
    "fingerprint",
)


def _isolated(library: Path, photo_dir: str, batch: int = 32) -> dict:
    """Each stage alone, nothing competing inside this process: the pipeline's ceiling.

    decode = one photo's decode + preprocess + thumbnail on one thread (CPU ms); encoder = the
    ORT image tower on a batch of ``batch`` preprocessed photos, per precision (img/s). The
    ceiling is 1 / (1/encoder_rate + decode_core_seconds / cores): each photo needs its encoder
    time on the pipeline's critical path plus its share of the decode work spread over the cores.
    """
    from photoalbum.core.imaging import decode_photo, make_thumbnail
    from photoalbum.core.models.encoder import ClipEncoder, available_cores
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library

    photos = sorted(Path(photo_dir).glob("*.jpg"))[:batch]
    lib = Library(
        Paths(library=library, models=MODELS, downloads=OUT / "downloads"), model=INDEX_MODEL
    )
    prepared = lib.prepared_model()
    enc = ClipEncoder(prepared, precision="fp32")
    tensors = []
    cpu = []
    for p in photos:
        c0 = time.thread_time()
        d = decode_photo(str(p), min_side=max(enc.input_size, 256))
        tensors.append(enc.preprocess(d.image))
        make_thumbnail(d.image, 256)
        cpu.append(time.thread_time() - c0)
    x = np.stack(tensors)
    out: dict = {
        "decode_cpu_ms_per_photo": round(1000 * median(cpu), 1),
        "cores": available_cores(),
        "encoder_img_s": {},
    }
    for precision in ("fp32", "int8"):
        e = ClipEncoder(prepared, precision=precision)
        e.encode_images(x[:4])  # session load + warm-up
        rates = []
        for _ in range(2):
            t = time.perf_counter()
            e.encode_images(x)
            rates.append(len(x) / (time.perf_counter() - t))
        out["encoder_img_s"][precision] = round(max(rates), 1)
        del e
    dec_s = median(cpu)
    out["ceiling_img_s"] = {
        p: round(1 / (1 / r + dec_s / out["cores"]), 1) for p, r in out["encoder_img_s"].items()
    }
    lib.close()
    return out


def _profile_child(
    library: str, photo_dir: str, out: str, extra: Sequence[str], no_spin: bool, isolated: bool
) -> int:
    """In-process run of the CLI with stage timers; writes the stage table to ``out``."""
    t_start = time.perf_counter()
    timer = StageTimer()
    import photoalbum.core.indexer as indexer_mod
    import photoalbum.library.library as library_mod
    from photoalbum.core.models.encoder import ClipEncoder
    from photoalbum.core.thumbnails import ThumbnailCache
    from photoalbum.core.vectorstore import HnswStore

    t_imported = time.perf_counter()
    for name, stage in (
        ("decode_photo", DECODE_STAGES[0]),
        ("make_thumbnail", DECODE_STAGES[2]),
        ("fingerprint", DECODE_STAGES[4]),
        ("sync_store", "vector sync"),
    ):
        timer.patch(indexer_mod, name, stage)
    timer.patch(ClipEncoder, "preprocess", DECODE_STAGES[1])
    timer.patch(ClipEncoder, "encode_images", "encode (ORT image tower)")
    timer.patch(ClipEncoder, "_create_session", "ORT session load")
    timer.patch(ThumbnailCache, "put", DECODE_STAGES[3])
    timer.patch(HnswStore, "add", "hnsw add")
    timer.patch(HnswStore, "save", "hnsw save")
    timer.patch(indexer_mod.Indexer, "_scan", "scan (stat)")
    timer.patch(indexer_mod.Indexer, "_reuse_known_content", "fingerprints + reuse lookup")
    timer.patch(indexer_mod.Indexer, "_decode_and_encode", "decode+encode pipeline (wall)")
    timer.patch(indexer_mod.Indexer, "run", "Indexer.run (wall)")
    original_open = library_mod.open_catalog

    def open_catalog(*args: Any, **kwargs: Any) -> Any:
        catalog = original_open(*args, **kwargs)
        try:
            catalog.commit_batch = timer.wrap("catalog commit", catalog.commit_batch)
        except AttributeError:
            logger.warning("profile: cannot time commit_batch on %r", catalog)
        return catalog

    library_mod.open_catalog = open_catalog
    if no_spin:
        # Experiment: ORT threads sleep between runs instead of spin-waiting (what the GUI's
        # background mode does), so decode threads get the cores while the encoder idles.
        original_init = library_mod.Library.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            kwargs["background"] = True
            original_init(self, *args, **kwargs)

        library_mod.Library.__init__ = init  # type: ignore[method-assign]
    from photoalbum.cli import main

    cpu0 = time.process_time()
    t_main = time.perf_counter()
    rc = main(
        ["--library", library, "--models-dir", str(MODELS), "--model", INDEX_MODEL, "-q"]
        + ["index", photo_dir, "--json", "--no-passes", *extra]
    )
    t_end = time.perf_counter()
    data = {
        "stages": timer.as_dict(),
        "imports_s": round(t_imported - t_start, 3),
        "cli_imports_s": round(t_main - t_imported, 3),
        "main_s": round(t_end - t_main, 3),
        "main_process_cpu_s": round(time.process_time() - cpu0, 3),
        "in_process_s": round(t_end - t_start, 3),
        "rc": rc,
        "no_spin": no_spin,
    }
    if isolated:
        shutil.rmtree(library, ignore_errors=True)
        t_iso = time.perf_counter()
        data["isolated"] = _isolated(Path(library), photo_dir)
        data["isolated_s"] = round(time.perf_counter() - t_iso, 3)
    Path(out).write_text(json.dumps(data, indent=1))
    return rc


def profile_ours(
    photo_dir: Path,
    n: int,
    extra: Sequence[str] = (),
    no_spin: bool = False,
    isolated: bool = True,
) -> dict:
    """Run our indexer once with stage timers (a separate process, not part of the ratios)."""
    library = _scratch()
    out = library.with_suffix(".profile.json")
    flags = (["--no-spin"] if no_spin else []) + (["--isolated"] if isolated else [])
    try:
        cmd = [sys.executable, "-m", "bench.bench_index", *flags, "--profile-child"]
        t = run_timed(cmd + [str(library), str(photo_dir), str(out), *extra], timeout=3600)
        data = json.loads(out.read_text())
    finally:
        shutil.rmtree(library, ignore_errors=True)
        out.unlink(missing_ok=True)
    # The isolated measurements run after the index, in the same process: not part of it.
    data["process_s"] = round(t.seconds - data.get("isolated_s", 0.0), 3)
    st = data["stages"]

    def s(stage: str, key: str = "threads_s") -> float:
        return st.get(stage, {}).get(key, 0.0)

    wall = s("decode+encode pipeline (wall)", "main_s")
    # The image session is created lazily inside the first encode call: count it apart.
    session = s("ORT session load", "main_s")
    encode = round(s("encode (ORT image tower)", "main_s") - session, 3)
    commit = s("catalog commit", "main_s") + s("hnsw add", "main_s")
    decode_wall = sum(s(k) for k in DECODE_STAGES)
    decode_cpu = sum(s(k, "threads_cpu_s") for k in DECODE_STAGES)
    data["summary"] = {
        "process_s": data["process_s"],
        "outside_indexer_s": round(data["process_s"] - s("Indexer.run (wall)", "main_s"), 3),
        "pipeline_wall_s": wall,
        "main_session_load_s": session,
        "main_encode_s": encode,
        "main_commit_and_hnsw_s": round(commit, 3),
        "main_waiting_for_decode_s": round(max(0.0, wall - session - encode - commit), 3),
        "decode_threads_wall_s": round(decode_wall, 3),
        "decode_threads_cpu_s": round(decode_cpu, 3),
        "per_photo_cpu_ms": {
            k: round(1000 * (v["main_cpu_s"] + v["threads_cpu_s"]) / max(1, n), 1)
            for k, v in st.items()
            if v["calls"] >= n
        },
        "per_photo_wall_ms": {
            k: round(1000 * (v["main_s"] + v["threads_s"]) / max(1, n), 1)
            for k, v in st.items()
            if v["calls"] >= n
        },
    }
    sm = data["summary"]
    data["line"] = (
        f"{'no-spin ' if no_spin else ''}process {sm['process_s']:.1f} s = outside indexer "
        f"{sm['outside_indexer_s']:.1f} s + pipeline {wall:.1f} s (main: session load "
        f"{session:.1f}, encode {encode:.1f}, commit+hnsw {commit:.1f}, waiting for decode "
        f"{sm['main_waiting_for_decode_s']:.1f}; decode threads wall {decode_wall:.1f} s / "
        f"CPU {decode_cpu:.1f} s)"
    )
    iso = data.get("isolated")
    if iso:
        data["isolated_line"] = (
            f"alone: decode+preprocess+thumbnail {iso['decode_cpu_ms_per_photo']} ms CPU/photo; "
            f"encoder batch 32 fp32 {iso['encoder_img_s']['fp32']} / int8 "
            f"{iso['encoder_img_s']['int8']} img/s; ceiling on {iso['cores']} cores fp32 "
            f"{iso['ceiling_img_s']['fp32']} / int8 {iso['ceiling_img_s']['int8']} img/s"
        )
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_index [--photos N] [--rounds R] [--no-variants]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=96)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-variants", action="store_true")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="LABEL",
        help="run only this variant beside the seed and the default (repeatable)",
    )
    ap.add_argument(
        "--profile-child",
        nargs=3,
        metavar=("LIBRARY", "PHOTOS", "OUT"),
        help=argparse.SUPPRESS,
    )
    ap.add_argument("--no-spin", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--isolated", action="store_true", help=argparse.SUPPRESS)
    args, extra = ap.parse_known_args(argv)
    if args.profile_child:
        return _profile_child(
            *args.profile_child, extra=extra, no_spin=args.no_spin, isolated=args.isolated
        )
    if extra:
        ap.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = run(args.photos, args.rounds, not args.no_variants, not args.no_profile, args.only)
    sys.stdout.write(json.dumps(result, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
