"""Photos timeline at 100k photos: open time, worst GUI stall scrolling newest → oldest, year jumps.

A synthetic catalog of N photos (``bench.synthetic_catalog.bulk_write``; dates spread over 15
years, one in ten with no capture date) is listed by the engine's ``albums.timeline_arrays()`` and turned
into the worker's ``TimelineData`` (the worker thread's share of opening the Photos page), then
shown on the GUI thread by the real grid model, delegate, view and date scrubber:

* **open**: grid model filled + TimelineIndex built + scrubber set + first paint (GUI thread), and
  the total with the engine's listing;
* **scroll stall**: a 10 ms QTimer probe on the GUI thread while the grid is scrolled from the
  newest photo to the oldest (``STRIDE`` viewports every 16 ms, each step a page of cells never
  painted before; photo details answered a turn later as the search worker would); the largest
  gap between ticks, minus the timer's period;
* **jump to a year**: the scrubber's jump to each year, time until the grid has repainted there.

Run: ``QT_QPA_PLATFORM=offscreen python -m bench.bench_timeline [--photos 100000]``
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from bench import Row

logger = logging.getLogger(__name__)

NAME = "timeline"
N = 100_000
OPEN_TARGET_S = 0.5
STALL_TARGET_MS = 50.0
PROBE_MS = 10
#: Viewports scrolled a step (a fast fling; each step shows a page of cells never painted before).
STRIDE = 4
#: The scroll stops here even if the oldest photo was not reached (reported: ``reached_row``).
SCROLL_CAP_S = 60.0
MODEL_KEY = "bench/timeline"


def _items(n: int, root: Path, root_id: int) -> Iterator:
    from photoalbum.core.ports import FileInfo, IndexedItem, PhotoMeta

    rng = np.random.default_rng(3)
    newest = datetime(2025, 6, 30, 18, 0)
    span = 15 * 365 * 24 * 3600
    offsets = rng.integers(0, span, n)
    vec = np.ones(8, np.float32) / np.sqrt(8)
    for i in range(n):
        taken = newest - timedelta(seconds=int(offsets[i]))
        mtime = int(taken.timestamp() * 1e9)
        meta = PhotoMeta(4000, 3000, taken_at=None if i % 10 == 0 else taken)
        path = str(root / f"d{i // 1000:03d}" / f"IMG_{i:07d}.jpg")
        yield IndexedItem(FileInfo(path, 2_000_000, mtime), root_id, f"tl{i:012d}", meta, vec)


def build_catalog(folder: Path, n: int) -> Path:
    """A catalog of ``n`` indexed photos under ``folder``; returns its library dir."""
    from bench.synthetic_catalog import bulk_write
    from photoalbum.core.paths import Paths
    from photoalbum.persistence import open_catalog

    paths = Paths(library=folder / "library", models=folder / "models", downloads=folder / "dl")
    paths.ensure_library()
    root = folder / "photos"
    root.mkdir(parents=True, exist_ok=True)
    catalog = open_catalog(paths.catalog)
    try:
        row = catalog.add_root(str(root))
        bulk_write(catalog, MODEL_KEY, _items(n, root, row.id))
    finally:
        catalog.close()
    return paths.library


def measure(folder: Path, n: int) -> dict:
    """Build the catalog, list it as the worker would, and time the GUI side."""
    from photoalbum.core.paths import Paths
    from photoalbum.library.albums import LibraryAlbums
    from photoalbum.persistence import open_catalog
    from photoalbum.qt import QtCore, QtWidgets
    from photoalbum.workers.messages import TimelineData

    t0 = time.perf_counter()
    library = build_catalog(folder, n)
    out: dict = {"photos": n, "build_catalog_s": round(time.perf_counter() - t0, 1)}
    paths = Paths(library=library, models=folder / "models", downloads=folder / "dl")
    catalog = open_catalog(paths.catalog)
    try:
        # The engine's own timeline; people are not part of it (a backup's concern only).
        albums = LibraryAlbums(catalog, paths, people=None)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        data = TimelineData(1, *albums.timeline_arrays())  # what the app's worker sends
        out["engine_s"] = time.perf_counter() - t0
        logger.info("engine timeline: %d photos in %.2f s", len(data.ids), out["engine_s"])
        photos = albums.timeline()  # the grid's photo details (read lazily in the app)
    finally:
        catalog.close()
    by_id = {p.id: p for p in photos}
    del photos
    # The harness holds every photo's details (100k Photo objects, ~1M tracked objects with their
    # metadata) to answer the grid as the search worker would; the app holds no such table (the
    # grid keeps at most 20k). Left to the collector, each full collection walks them all, and its
    # pause (0.2-0.65 s measured under load) became the scroll's worst stall once the fling got past
    # the first rows. Frozen, they are out of the collector's walks, as they are out of the app.
    gc.collect()
    gc.freeze()
    out["approximate"] = int(data.approximate.sum())

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    from photoalbum.gui.delegates.thumbnail_delegate import ThumbnailDelegate
    from photoalbum.gui.itemmodels.photo_grid import PhotoGridModel
    from photoalbum.gui.itemmodels.timeline import TimelineIndex
    from photoalbum.gui.main_window import CELL
    from photoalbum.gui.widgets.date_scrubber import DateScrubber
    from photoalbum.gui.widgets.photo_grid_view import PhotoGridView
    from photoalbum.workers.thumbnails import ThumbnailLoader

    loader = ThumbnailLoader(max_threads=2)
    model = PhotoGridModel(loader, lambda fp: folder / "no-thumbnails" / fp, thumb_size=CELL)
    # Details are answered a turn of the event loop later, as the search worker's would be.
    model.info_requested.connect(
        lambda ids: QtCore.QTimer.singleShot(
            0, lambda: model.add_photos([by_id[i] for i in ids if i in by_id])
        )
    )
    window = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(window)
    view = PhotoGridView(ThumbnailDelegate(CELL))
    view.setModel(model)
    scrubber = DateScrubber()
    layout.addWidget(view, 1)
    layout.addWidget(scrubber)
    window.resize(1200, 800)
    window.show()
    for _ in range(5):
        app.processEvents()

    # --- open --------------------------------------------------------------------------------
    t0 = time.perf_counter()
    model.update_ids(data.ids)
    timeline = TimelineIndex.from_data(data)
    model.set_timeline(timeline)
    scrubber.set_timeline(timeline)
    t_model = time.perf_counter() - t0
    view.viewport().repaint()
    app.processEvents()
    out["gui_open_s"] = time.perf_counter() - t0
    out["model_and_index_s"] = t_model
    out["index_build_s"] = _time(lambda: TimelineIndex.from_data(data))
    # The view lays rows out in batches after the first paint: scrolling reaches only what is laid
    # out. Wait until the scroll range stops growing (the layout is done).
    settled, last_max = time.perf_counter(), -1
    bar = view.verticalScrollBar()
    while time.perf_counter() - settled < 0.3:
        app.processEvents()
        if bar.maximum() != last_max:
            last_max, settled = bar.maximum(), time.perf_counter()
    out["layout_done_s"] = settled - t0
    logger.info("opened in %.3f s, laid out in %.2f s; scrolling", out["gui_open_s"], settled - t0)

    # --- scroll newest → oldest with a timer probe ------------------------------------------------
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    probe = QtCore.QTimer()
    probe.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)
    steps = 0
    t0 = time.perf_counter()
    last[0] = t0
    probe.start()
    done = QtCore.QEventLoop()

    def step() -> None:
        nonlocal steps
        steps += 1
        if steps % 100 == 0:
            logger.info("step %d: row %d of %d", steps, view.visible_rows()[0], model.rowCount())
        # The view lays rows out in batches: the scroll bar's range grows as it goes, so the
        # end is the last row on screen, not the bar's maximum.
        if (
            view.visible_rows()[1] >= model.rowCount() - 1
            or time.perf_counter() - t0 > SCROLL_CAP_S
        ):
            done.quit()
            return
        bar.setValue(min(bar.maximum(), bar.value() + STRIDE * view.viewport().height()))
        scrubber.set_row(view.visible_rows()[0])
        QtCore.QTimer.singleShot(16, step)

    QtCore.QTimer.singleShot(0, step)
    done.exec()
    probe.stop()
    out["scroll_s"] = time.perf_counter() - t0
    out["scroll_steps"] = steps
    stalls = [max(0.0, g - PROBE_MS) for g in gaps]
    out["max_stall_ms"] = max(stalls) if stalls else float("nan")
    out["p99_gap_ms"] = float(np.percentile(gaps, 99)) if gaps else float("nan")
    out["ended_on"] = scrubber.text()
    out["reached_row"] = view.visible_rows()[1]

    # --- jump to each year -------------------------------------------------------------------
    jumps = []
    scrubber.row_requested.connect(
        lambda row: view.scrollTo(
            model.index(row, 0), QtWidgets.QAbstractItemView.ScrollHint.PositionAtTop
        )
    )
    for year, _row in timeline.years():
        t0 = time.perf_counter()
        scrubber.jump_to(year, 6)
        view.viewport().repaint()
        app.processEvents()
        jumps.append(time.perf_counter() - t0)
    out["jump_ms_median"] = statistics.median(jumps) * 1000
    out["jump_ms_max"] = max(jumps) * 1000
    out["row_for_us"] = _time(lambda: timeline.row_for(2017, 3), 1000) * 1e6
    window.close()
    loader.shutdown(5000)
    gc.unfreeze()
    return out


def _time(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(n: int = N) -> dict:
    """The bench's rows and raw figures."""
    work = Path(tempfile.mkdtemp(prefix="bench-timeline-"))
    try:
        m = measure(work, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = m["engine_s"] + m["gui_open_s"]
    rows = [
        Row(
            NAME,
            f"engine timeline_arrays() → TimelineData, {n:,} photos (s, worker)",
            f"{m['engine_s']:.3f}",
        ),
        Row(
            NAME,
            "open on the GUI thread: model + index + scrubber + first paint (s)",
            f"{m['gui_open_s']:.3f}",
            f"<= {OPEN_TARGET_S}",
            m["gui_open_s"] <= OPEN_TARGET_S,
        ),
        Row(NAME, "  of which TimelineIndex build (s)", f"{m['index_build_s']:.4f}"),
        Row(
            NAME,
            "  whole grid laid out (batches after the first paint) (s)",
            f"{m['layout_done_s']:.2f}",
        ),
        Row(NAME, "open, worker + GUI thread (s)", f"{total:.3f}"),
        Row(
            NAME,
            f"max GUI stall scrolling newest → oldest ({m['scroll_steps']} steps, reached row "
            f"{m['reached_row']:,} of {n:,}) (ms)",
            f"{m['max_stall_ms']:.1f}",
            f"<= {STALL_TARGET_MS:g}",
            m["max_stall_ms"] <= STALL_TARGET_MS,
        ),
        Row(NAME, "p99 timer gap while scrolling (ms, 10 ms timer)", f"{m['p99_gap_ms']:.1f}"),
        Row(
            NAME,
            "jump to a year, to repainted (ms, median / max)",
            f"{m['jump_ms_median']:.1f} / {m['jump_ms_max']:.1f}",
        ),
        Row(NAME, "  of which the binary search (µs)", f"{m['row_for_us']:.1f}"),
    ]
    return {"rows": [r.as_dict() for r in rows], "measured": m}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the bench and print its rows as JSON lines."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=N)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    res = run(args.photos)
    for row in res["rows"]:
        sys.stdout.write(f"{row['metric']}: {row['value']} {row['target']}\n")
    sys.stdout.write(json.dumps(res["measured"], default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
