"""Benchmarks (``make bench``): side-by-side ratios in one run, plus helpers the benches share."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

#: Everything the benches make or cache (git-ignored).
OUT = Path(__file__).resolve().parent / "out"
#: The prepared-models dir every bench shares (preparing a model is one-time, never timed).
MODELS = OUT / "models"
INDEX_MODEL = "random:ViT-B-32"
DEFAULT_MODEL = "random:xlm-roberta-base-ViT-B-32"


class BenchError(RuntimeError):
    """A bench could not run (a step failed); the message says which and why."""


@dataclass
class Row:
    """One line of the summary table."""

    bench: str
    metric: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target / informative only

    def as_dict(self) -> dict:
        """JSON-able form."""
        return {
            "bench": self.bench,
            "metric": self.metric,
            "value": self.value,
            "target": self.target,
            "ok": self.ok,
        }


def bench_env() -> dict[str, str]:
    """Environment for child processes: offline, downloads and caches under bench/out."""
    env = dict(os.environ)
    env["PHOTOALBUM_CACHE"] = str(OUT / "downloads")
    env["PHOTOALBUM_MODELS"] = str(MODELS)
    env.pop("PHOTOALBUM_HOME", None)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["PYTHONUNBUFFERED"] = "1"
    # Children import ``bench`` and ``photoalbum`` from this checkout.
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def photoalbum_cmd() -> list[str]:
    """How to start the ``photoalbum`` command of this venv (its console script if installed)."""
    script = Path(sys.executable).with_name("photoalbum")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "photoalbum"]


@dataclass
class Timed:
    """A finished child process: wall seconds, exit code and output."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        """The last JSON object line printed on stdout (or the whole stdout as JSON)."""
        text = self.stdout.strip()
        try:
            return json.loads(text)
        except ValueError:
            pass
        for line in reversed(text.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    continue
        raise BenchError(f"no JSON in output: {text[-500:]!r}")


def run_timed(
    cmd: Sequence[str],
    *,
    check: bool = True,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Timed:
    """Run a whole process and time it from outside (start-up and shutdown included)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        list(cmd),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or bench_env(),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise BenchError(
            f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
        )
    return Timed(seconds, proc.returncode, proc.stdout, proc.stderr)


def ensure_photos(n: int, mp: float = 12.0, seed: int = 0) -> Path:
    """A cached folder of ``n`` camera-sized JPEGs made by :mod:`bench.make_photos`."""
    from bench.make_photos import MakePhotosError, make_photos

    label = f"{mp:g}".replace(".", "_")
    out = OUT / f"photos-{label}mp-{n}-s{seed}"
    done = out / ".complete"
    if done.is_file():
        return out
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    logger.info("making %d %g MP photos in %s", n, mp, out)
    try:
        make_photos(tmp, n, mp, seed)
    except MakePhotosError as exc:
        raise BenchError(str(exc)) from exc
    (tmp / ".complete").write_text("ok\n")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out


def ensure_model(spec: str, models_dir: Path = MODELS) -> dict:
    """Prepare ``spec`` once in the shared models dir (a separate, untimed process); its info."""
    models_dir.mkdir(parents=True, exist_ok=True)
    t = run_timed(
        photoalbum_cmd()
        + ["--models-dir", str(models_dir), "-q", "model", "prepare", spec, "--json"],
        timeout=3600,
    )
    info = t.json()
    info["_prepare_process_s"] = round(t.seconds, 2)
    return info


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN for no values."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median; NaN for no values."""
    return percentile(values, 50.0)


def rss_mb() -> dict[str, float]:
    """This process's resident memory now and at its peak (MB, from /proc/self/status)."""
    out = {"rss_mb": math.nan, "peak_rss_mb": math.nan}
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            out["rss_mb"] = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            out["peak_rss_mb"] = int(line.split()[1]) / 1024
    return out


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process, its reaped children and its live
    descendants (e.g. a pass's child process), from /proc; unlike wall time, hardly changed by
    other programs competing for the cores."""
    t = os.times()
    total = t.user + t.system + t.children_user + t.children_system
    tick = os.sysconf("SC_CLK_TCK")
    todo, seen = [os.getpid()], set()
    while todo:
        pid = todo.pop()
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                if kid in seen:
                    continue
                seen.add(kid)
                todo.append(kid)
                try:
                    fields = Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
                except (OSError, IndexError, ValueError):
                    pass
    return total


def fmt(x: float, digits: int = 1) -> str:
    """A number for the table ('n/a' for NaN)."""
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"
