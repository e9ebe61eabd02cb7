"""Grid repaint while worker threads keep the GIL busy: time and GUI-thread waits per repaint.

A Qt call made from Python on the GUI thread may release the GIL; with Python-busy worker threads
the GUI thread then waits (up to the switch interval) to get it back. This measures one full
repaint of the thumbnail grid (40 visible cells with loaded thumbnails) with ``--busy`` threads
running pure-Python loops, as the median of ``--repaints`` repaints, and counts the GUI thread's
voluntary context switches per repaint (Linux: each is a wait — for the GIL or a Qt helper thread).

Run: ``QT_QPA_PLATFORM=offscreen python -m bench.bench_repaint [--busy 2] [--switch 0.001]``
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _voluntary_switches() -> int:
    try:
        with open("/proc/thread-self/status") as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the median repaint time and waits per repaint."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busy", type=int, default=2, help="Python-busy threads")
    ap.add_argument("--switch", type=float, default=None, help="GIL switch interval (s)")
    ap.add_argument("--repaints", type=int, default=30)
    args = ap.parse_args(argv)

    from photoalbum.core.ports import Photo, PhotoStatus

    try:
        from photoalbum.gui.app import GIL_SWITCH_INTERVAL
    except ImportError:  # an older checkout, for a before/after comparison: Python's default
        GIL_SWITCH_INTERVAL = 0.005
    from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
    from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
    from photoalbum.gui.main_window import CELL
    from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
    from photoalbum.qt import QtGui, QtWidgets
    from photoalbum.workers.thumbnails import ThumbnailLoader

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    sys.setswitchinterval(args.switch if args.switch is not None else GIL_SWITCH_INTERVAL)
    loader = ThumbnailLoader()
    model = PhotoGridModel(loader, lambda fp: Path("/nonexistent") / fp, thumb_size=CELL)
    ids = np.arange(1, 2001)
    photos = [
        Photo(int(i), f"/x/IMG_{i:05d}.jpg", 1, 1, 1_600_000_000 * 10**9, PhotoStatus.INDEXED)
        for i in ids
    ]
    model.set_results(ids, np.linspace(1, -1, len(ids)), photos=photos)
    thumb = QtGui.QPixmap(CELL, CELL * 3 // 4)
    thumb.fill(QtGui.QColor("steelblue"))
    for p in photos:
        model._pixmaps[p.path] = thumb  # as if every thumbnail had loaded
    view = PhotoGridView(ThumbnailDelegate(CELL))
    view.setModel(model)
    view.resize(1000, 800)
    view.show()
    for _ in range(5):
        app.processEvents()
    stop = threading.Event()

    def busy() -> None:
        x = 0
        while not stop.is_set():
            for i in range(200):
                x += i

    threads = [threading.Thread(target=busy, daemon=True) for _ in range(args.busy)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    times, waits = [], []
    for _ in range(args.repaints):
        c0, t0 = _voluntary_switches(), time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
        waits.append(_voluntary_switches() - c0)
    stop.set()
    for t in threads:
        t.join()
    loader.shutdown()
    mid = len(times) // 2
    sys.stdout.write(
        f"busy threads {args.busy}, switch interval {sys.getswitchinterval() * 1000:g} ms: "
        f"repaint median {sorted(times)[mid]:.1f} ms, max {max(times):.1f} ms; "
        f"GUI-thread waits per repaint (median) {sorted(waits)[mid]}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
