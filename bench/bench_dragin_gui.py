"""Drag-in as a person feels it: drop → results shown in the real app, with and without prefetch.

The real app objects (``gui.app.build_app``, offscreen unless DISPLAY is set) run on
``bench_query``'s cached 100k library with the default model. A 12 MP JPEG that is not in the
library is dragged in: a drag-enter event, the pointer "moving" for ``--dwell`` ms (the event loop
runs meanwhile), then the drop. Timed: from the drop event to the window's ``results_shown``
(the grid filled), so reading the file, the chip, the worker's decode, tower and search, and the
grid's refill all count. Two modes alternate on fresh photos (the searcher caches vectors):

* ``prefetch``: the app as it is: the drag-enter has the worker decode and encode the image;
* ``no prefetch``: the same with :class:`~photoalbum.gui.controllers.drag_prefetch.DragPrefetch`
  turned off, as before it existed.

One drop before the timed ones loads the image tower (the first drag of a session pays it).

Run: ``python -m bench.bench_dragin_gui [--drops 8] [--dwell 300]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench import DEFAULT_MODEL, BenchError, Row, bench_env, ensure_photos, fmt, percentile

logger = logging.getLogger(__name__)

NAME = "dragin_gui"
N = 100_000
TARGET_P50_MS = 50.0
MODES = ("no prefetch", "prefetch")


def child(out: Path, drops: int, dwell_ms: int, precision: str) -> None:
    """In a fresh process: open the app on the 100k library and time the drops."""
    from bench.bench_query import _paths
    from photoalbum.gui.app import build_app
    from photoalbum.gui.controllers.search import SearchState
    from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets
    from photoalbum.workers.messages import LibraryOptions

    app = QtWidgets.QApplication([sys.argv[0]])
    files = sorted(ensure_photos(96).glob("*.jpg"))
    if len(files) < 1 + drops * len(MODES):
        raise BenchError(f"{drops} drops per mode need more than {len(files)} photos")
    with tempfile.TemporaryDirectory() as tmp:
        settings = QtCore.QSettings(str(Path(tmp) / "gui.ini"), QtCore.QSettings.Format.IniFormat)
        parts = build_app(
            _paths(N),
            LibraryOptions(model=DEFAULT_MODEL, precision=precision),
            settings,
            watch=False,
            persist_model=False,
        )
        w = parts.window
        w.show()
        parts.start()

        def wait(until, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
            end = time.perf_counter() + timeout_s
            while not until():
                if time.perf_counter() > end:
                    raise BenchError("timed out waiting for the app")
                app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
                time.sleep(0.002)

        def run_for(seconds: float) -> None:
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
                time.sleep(0.001)

        wait(lambda: w.search_controller.state is SearchState.OPEN, 300)
        # The index worker's start-up rescan (and any pass left to run) must be over.
        wait(lambda: not w.indexing_controller.running, 600)
        run_for(3.0)
        shown: list[float] = []
        w.results_shown.connect(lambda _n: shown.append(time.perf_counter()))
        pos = QtCore.QPointF(w.grid.mapTo(w, w.grid.rect().center()))

        def drag(path: Path, prefetch: bool) -> float:
            w.search_bar.clear(emit=False)
            w.drag_prefetch.enabled = prefetch
            mime = QtCore.QMimeData()
            mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
            args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton)
            with warnings.catch_warnings():  # PySide marks this constructor deprecated
                warnings.simplefilter("ignore", DeprecationWarning)
                enter = QtGui.QDragEnterEvent(pos.toPoint(), *args, Qt.KeyboardModifier.NoModifier)
            QtCore.QCoreApplication.sendEvent(w, enter)
            run_for(dwell_ms / 1000)
            del shown[:]
            t0 = time.perf_counter()
            drop = QtGui.QDropEvent(pos, *args, Qt.KeyboardModifier.NoModifier)
            QtCore.QCoreApplication.sendEvent(w, drop)
            wait(lambda: bool(shown), 60)
            return 1000 * (shown[0] - t0)

        first = drag(files[0], prefetch=False)  # loads the image tower
        ms: dict[str, list[float]] = {m: [] for m in MODES}
        for i in range(drops):
            for j, mode in enumerate(MODES if i % 2 == 0 else reversed(MODES)):
                f = files[1 + i * len(MODES) + j]
                ms[mode].append(drag(f, prefetch=mode == "prefetch"))
        parts.shutdown()
    out.write_text(json.dumps({"first_drop_ms": first, "ms": ms}))


def measure(drops: int = 8, dwell_ms: int = 300, precision: str = "auto") -> dict:
    """Run :func:`child` in a fresh process; p50/p95 per mode and the paired ratio."""
    from bench.bench_query import ensure_library

    ensure_library(N, with_files=True)
    env = bench_env()
    env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, "-m", "bench.bench_dragin_gui", "--child", str(out)]
        cmd += ["--drops", str(drops), "--dwell", str(dwell_ms), "--precision", precision]
        subprocess.run(cmd, env=env, check=True, timeout=1800)
        got = json.loads(out.read_text())
    ms = got["ms"]
    ratio = np.asarray(ms["prefetch"]) / np.asarray(ms["no prefetch"])
    return {
        "precision": precision,
        "dwell_ms": dwell_ms,
        "first_drop_ms": round(got["first_drop_ms"], 1),
        "ms": {m: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for m, v in ms.items()},
        "raw_ms": {m: [round(x, 1) for x in v] for m, v in ms.items()},
        "ratio_p50": round(float(np.median(ratio)), 3),
        "loadavg": os.getloadavg(),
    }


def run(drops: int = 8, dwell_ms: int = 300) -> dict:
    """Measure and return rows for the summary table."""
    m = measure(drops, dwell_ms)
    rows = [
        Row(
            NAME,
            f"drop → results shown @100k, 12 MP JPEG, {mode} ({dwell_ms} ms drag)",
            f"{fmt(v['p50'])} / {fmt(v['p95'])} ms p50/p95",
            f"p50 <= {TARGET_P50_MS:g} ms" if mode == "prefetch" else "",
            v["p50"] <= TARGET_P50_MS if mode == "prefetch" else None,
        )
        for mode, v in m["ms"].items()
    ]
    return {"rows": [r.as_dict() for r in rows], "measure": m}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.bench_dragin_gui``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drops", type=int, default=8, help="timed drops per mode (at most 47)")
    ap.add_argument("--dwell", type=int, default=300, help="ms between drag-enter and drop")
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.child:
        child(args.child, args.drops, args.dwell, args.precision)
        return 0
    m = measure(args.drops, args.dwell, args.precision)
    sys.stdout.write(json.dumps(m, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
