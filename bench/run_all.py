"""Run every benchmark, print one summary table and write ``bench/out/results.json``.

``make bench`` runs ``python -m bench.run_all``: indexing throughput vs the seed's loop, query
latency and recall at 100k vectors, memory and rescan at 100k photos, RAW (DNG) vs JPEG indexing
rate, video indexing cost (CPU per 1080p minute, memory for 4K). ``--full`` adds the 1M-vector
query bench (its library takes many minutes to build the first time; it is cached under
bench/out/). Figures are ratios and latencies measured in this one run: the machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from bench import OUT, Row

logger = logging.getLogger(__name__)

BENCHES = ("index", "query", "scale", "passes", "raw", "places", "video")


def _index(args: argparse.Namespace) -> dict:
    from bench import bench_index

    return bench_index.run(args.photos, args.rounds, not args.no_variants, not args.no_profile)


def _query(args: argparse.Namespace) -> dict:
    from bench import bench_query

    return bench_query.run((100_000, 1_000_000) if args.full else (100_000,))


def _scale(args: argparse.Namespace) -> dict:
    from bench import bench_scale

    return bench_scale.run()


def _passes(args: argparse.Namespace) -> dict:
    from bench import bench_passes

    return bench_passes.run()


def _places(args: argparse.Namespace) -> dict:
    from bench import bench_places

    return bench_places.run()


def _raw(args: argparse.Namespace) -> dict:
    from bench import bench_raw

    # Its own, smaller set: each 12 MP DNG is 24 MB of sensor data.
    return bench_raw.run(24, 12.0, max(args.rounds, 3))


def _video(args: argparse.Namespace) -> dict:
    from bench import bench_video

    return bench_video.run()


def _gui(args: argparse.Namespace) -> dict:
    from bench import bench_gui

    return bench_gui.run()


def _timeline(args: argparse.Namespace) -> dict:
    from bench import bench_timeline

    return bench_timeline.run()


def _dragin(args: argparse.Namespace) -> dict:
    from bench import bench_dragin

    return bench_dragin.run(max(args.rounds, 3))


def _dragin_gui(args: argparse.Namespace) -> dict:
    from bench import bench_dragin_gui

    return bench_dragin_gui.run()


def _app_rss(args: argparse.Namespace) -> dict:
    from bench import bench_app_rss

    return bench_app_rss.run()


def _faces(args: argparse.Namespace) -> dict:
    from bench import bench_faces

    return bench_faces.run(args.photos)


#: Benches by name; ``gui``, ``timeline``, ``app_rss`` and ``dragin_gui`` (need Qt), ``faces``
#: and ``dragin`` run only when asked for with ``--only``.
RUNNERS: dict[str, Callable[[argparse.Namespace], dict]] = {
    "index": _index,
    "query": _query,
    "scale": _scale,
    "gui": _gui,
    "timeline": _timeline,
    "passes": _passes,
    "faces": _faces,
    "dragin": _dragin,
    "dragin_gui": _dragin_gui,
    "app_rss": _app_rss,
    "raw": _raw,
    "places": _places,
    "video": _video,
}


def format_table(rows: Sequence[dict]) -> str:
    """The summary as an aligned text table (status: ok / MISS / blank for informative rows)."""
    head = ("bench", "metric", "value", "target", "")
    body = [
        (
            r["bench"],
            r["metric"],
            r["value"],
            r.get("target") or "",
            "" if r.get("ok") is None else ("ok" if r["ok"] else "MISS"),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(4)]
    line = "  ".join("-" * w for w in widths) + "  ----"
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)).rstrip(), line]
    for r in body:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[4])
    return "\n".join(x.rstrip() for x in out)


def _loadavg() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _machine() -> dict:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    versions = {}
    for mod in ("numpy", "onnxruntime", "hnswlib", "torch", "open_clip", "PIL"):
        try:
            versions[mod] = str(getattr(__import__(mod), "__version__", "?"))
        except Exception:  # a missing optional package is just not reported
            versions[mod] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": cores,
        "versions": versions,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benches; exit 0 if they ran (targets missed are reported, not failures), else 1."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also query at 1M vectors (slow first run)")
    ap.add_argument(
        "--only",
        default=",".join(BENCHES),
        help=f"comma-separated subset of {', '.join(RUNNERS)} (default: {', '.join(BENCHES)})",
    )
    ap.add_argument("--photos", type=int, default=96, help="12 MP photos for the index bench")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds in the index bench")
    ap.add_argument("--no-variants", action="store_true", help="index bench: default config only")
    ap.add_argument("--no-profile", action="store_true", help="index bench: skip the stage profile")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    wanted = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in wanted if b not in RUNNERS]
    if unknown:
        ap.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(RUNNERS)}")

    OUT.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results: dict = {"started": started, "machine": _machine(), "args": vars(args), "benches": {}}
    rows: list[dict] = []
    failed = False
    for name in wanted:
        t0 = time.perf_counter()
        load0 = _loadavg()
        logger.info("== bench %s (load average %s)", name, load0)
        try:
            res = RUNNERS[name](args)
        except Exception as exc:  # one broken bench must not hide the others
            failed = True
            logger.error("bench %s failed: %s", name, exc)
            res = {
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
                "rows": [Row(name, "FAILED", f"{type(exc).__name__}: {exc}"[:160]).as_dict()],
            }
        res["seconds"] = round(time.perf_counter() - t0, 1)
        # Other work on the machine slows both sides of a ratio, but not always alike: record it.
        res["load_average"] = {"start": load0, "end": _loadavg()}
        results["benches"][name] = res
        rows.extend(res["rows"])
        rows.append(
            Row(
                name,
                "  (machine load average 1/5/15 min at start / end)",
                f"{load0} / {res['load_average']['end']} on {results['machine']['cores']} cores",
            ).as_dict()
        )
        # Written after each bench, so a later failure or interrupt keeps what was measured.
        results["rows"] = rows
        (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    table = format_table(rows)
    results["table"] = table
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    sys.stdout.write(table + f"\n\n(details: {OUT / 'results.json'})\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
