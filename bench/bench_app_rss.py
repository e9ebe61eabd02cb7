"""Whole desktop app's idle memory at 100k photos, and what it is made of.

The real app (``photoalbum --library … --model …``, offscreen unless DISPLAY is set) is started
on ``bench_query``'s cached synthetic 100k library with the default multilingual model. Once its
window is up the bench waits until the app's own process is idle (its CPU time grows by under 5%
of one core over 10 s: warm-up, index load and scene grouping done), then reads ``VmRSS``/``VmHWM`` from
``/proc/PID/status``, ``Pss`` from ``smaps_rollup`` and sums ``/proc/PID/smaps`` by mapping kind
(anonymous heap, the model's ONNX files, the vector index, SQLite, shared libraries) so the
biggest contributors show. An indexing run still going in its child process (the background
passes over photos they have not seen) is reported apart: it ends when its run does.

Run: ``python -m bench.bench_app_rss [--precision auto int8]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import DEFAULT_MODEL, MODELS, BenchError, Row, bench_env, fmt, photoalbum_cmd

logger = logging.getLogger(__name__)

NAME = "app_rss"
N = 100_000
TARGET_MB = 700.0
IDLE_WINDOW_S = 10.0
IDLE_CPU_SHARE = 0.05  # of one core over the window (reading an indexing run's progress: ~3%)
MAX_WAIT_S = 600.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    """Live descendants of ``pid`` (the app's indexing run is a child process)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # the thread or the child went away
            continue
        for kid in kids:
            out += [kid, *_children(kid)]
    return out


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {field} in /proc/{pid}/status")


def _kind(path: str) -> str:
    """What a mapping is, for the breakdown."""
    name = os.path.basename(path)
    if not path or path.startswith("[heap]") or path.startswith("[anon"):
        return "anonymous (heap, ORT arenas, Python objects, Qt)"
    if path.startswith("["):
        return "other kernel mappings"
    if ".onnx" in name:
        return f"model file {name}"
    if name.endswith(".hnsw") or "/index/" in path:
        return "vector index file"
    if "sqlite" in name:
        return "SQLite catalog"
    if ".so" in name:
        return "shared libraries (code)"
    return "other files"


def smaps_breakdown(pid: int) -> dict[str, dict[str, float]]:
    """Rss and Pss in MB summed by mapping kind, biggest Rss first."""
    sums: dict[str, dict[str, float]] = {}
    kind = "anonymous (heap, ORT arenas, Python objects, Qt)"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if "-" in parts[0] and not parts[0].endswith(":"):  # a mapping's header line
            kind = _kind(parts[5] if len(parts) > 5 else "")
            continue
        if parts[0] in ("Rss:", "Pss:"):
            row = sums.setdefault(kind, {"rss_mb": 0.0, "pss_mb": 0.0})
            row["rss_mb" if parts[0] == "Rss:" else "pss_mb"] += int(parts[1]) / 1024
    ordered = sorted(sums.items(), key=lambda kv: -kv[1]["rss_mb"])
    return {k: {m: round(v, 1) for m, v in row.items()} for k, row in ordered}


def _rollup_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:", "Anonymous:"):
            out[parts[0].rstrip(":").lower() + "_mb"] = round(int(parts[1]) / 1024, 1)
    return out


def measure(library: Path, precision: str = "auto") -> dict:
    """Start the app on ``library``, wait until idle, read its memory; the app is then closed."""
    env = bench_env()
    env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    env["PHOTOALBUM_STARTUP_PROBE"] = "1"
    cmd = photoalbum_cmd() + [
        "--library",
        str(library),
        "--models-dir",
        str(MODELS),
        "--model",
        DEFAULT_MODEL,
        "--precision",
        precision,
    ]
    t0 = time.perf_counter()
    log = library.parent / f"app-rss-{precision}.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL
        )
        try:
            cpu = _cpu_seconds(proc.pid)
            while True:
                time.sleep(IDLE_WINDOW_S)
                if proc.poll() is not None:
                    raise BenchError(f"the app exited ({proc.returncode}); see {log}")
                now = _cpu_seconds(proc.pid)
                waited = time.perf_counter() - t0
                quiet = now - cpu < IDLE_CPU_SHARE * IDLE_WINDOW_S
                if quiet and "FIRST-WINDOW" in log.read_text():
                    break
                if waited > MAX_WAIT_S:
                    raise BenchError(f"the app never went idle in {MAX_WAIT_S:g} s")
                cpu = now
            pid = proc.pid
            kids = {}
            for kid in _children(pid):  # an indexing run still going (its passes)
                try:
                    cmd = Path(f"/proc/{kid}/cmdline").read_bytes().split(b"\0")
                    name = next((c.decode() for c in cmd if c.startswith(b"photoalbum.")), "?")
                    kids[f"{kid} {name}"] = round(_status_kb(kid, "VmRSS") / 1024, 1)
                except (OSError, BenchError):
                    pass
            return {
                "precision": precision,
                "idle_after_s": round(waited, 1),
                "cpu_s": round(_cpu_seconds(pid), 1),
                "vmrss_mb": round(_status_kb(pid, "VmRSS") / 1024, 1),
                "vmhwm_mb": round(_status_kb(pid, "VmHWM") / 1024, 1),
                **_rollup_mb(pid),
                "by_kind": smaps_breakdown(pid),
                "children_rss_mb": kids,
            }
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run(precisions: Sequence[str] = ("auto", "int8")) -> dict:
    """Measure the idle app at 100k once per precision; rows for the summary table."""
    from bench.bench_query import ensure_library

    ensure_library(N, with_files=True)
    from bench.bench_query import library_dir

    results = {p: measure(library_dir(N), p) for p in precisions}
    rows = []
    for p, r in results.items():
        top = list(r["by_kind"].items())[:4]
        rows.append(
            Row(
                NAME,
                f"whole app idle at {N // 1000}k photos, {DEFAULT_MODEL}, precision {p}",
                f"{fmt(r['vmrss_mb'], 0)} MB RSS / {fmt(r['pss_mb'], 0)} MB PSS (peak "
                f"{fmt(r['vmhwm_mb'], 0)}); "
                + ", ".join(f"{k} {fmt(v['rss_mb'], 0)}" for k, v in top),
                f"<= {TARGET_MB:g} MB",
                r["vmrss_mb"] <= TARGET_MB,
            )
        )
    return {"rows": [r.as_dict() for r in rows], "results": results, "model": DEFAULT_MODEL}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_app_rss``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--precision", nargs="+", default=["auto", "int8"])
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.stdout.write(json.dumps(run(args.precision), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
