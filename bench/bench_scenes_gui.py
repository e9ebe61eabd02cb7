"""The app's ScenesWorker on a big real library: refresh time per group kind, and GUI-thread stalls.

A 10 ms QTimer on the GUI thread records the gaps between its ticks while the real ScenesWorker
(its own Library on its own low-priority thread) groups the library: a cold run (full clustering,
the scene vocabulary embedded once through the text tower, events, near-duplicates) and then a
forced full recluster with the vocabulary cached. The largest gap is the worst freeze a person
would feel while the side panel is being filled.

Run: ``python -m bench.bench_scenes_gui LIBRARY MODELS_DIR --model SPEC``. LIBRARY is *copied*
first (the scene state is written into the copy), e.g. the 100k library ``bench_query`` makes
(``bench/out/library-100000``, model ``random:xlm-roberta-base-ViT-B-32``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("library", type=Path)
    ap.add_argument("models", type=Path)
    ap.add_argument("--model", default="random:xlm-roberta-base-ViT-B-32")
    ap.add_argument("--work", type=Path)
    ap.add_argument(
        "--no-names",
        action="store_true",
        help="skip scene naming (the first run embeds the vocabulary: minutes)",
    )
    ap.add_argument("--runs", choices=("cold", "both"), default="both")
    args = ap.parse_args()

    from photoalbum.core.errors import ModelNotAvailableError
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library
    from photoalbum.qt import QtCore, QtWidgets
    from photoalbum.workers.messages import LibraryOptions
    from photoalbum.workers.scenes_worker import ScenesWorker
    from photoalbum.workers.threads import WorkerThread

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scenes-gui-"))
    lib_dir = work / "library"
    if not lib_dir.exists():
        shutil.copytree(args.library, lib_dir, ignore=shutil.ignore_patterns("scenes"))
    paths = Paths(library=lib_dir, models=args.models.resolve(), downloads=work / "downloads")

    def refuse(*_a, **_k):  # type: ignore[no-untyped-def]
        raise ModelNotAvailableError("prepare the model first")

    def factory(options, background):  # type: ignore[no-untyped-def]
        return Library(paths, model=options.model, background=background, preparer=refuse)

    if args.no_names:
        from photoalbum.core.scenes import ScenesService

        ScenesService.namer = lambda self: None  # type: ignore[method-assign]

    app = QtWidgets.QApplication(sys.argv[:1])
    worker = ScenesWorker(factory, LibraryOptions(model=args.model), min_interval=0.0)
    thread = WorkerThread(worker, "bench-scenes")
    gaps: list[float] = []
    last = [time.perf_counter()]
    timer = QtCore.QTimer()
    timer.setInterval(10)

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer.timeout.connect(tick)
    seen: list[tuple[str, int, float]] = []
    busy: list[bool] = []
    worker.groups_ready.connect(lambda u: seen.append((u.kind, len(u.groups), u.seconds)))
    worker.busy_changed.connect(busy.append)
    results = {}
    thread.start()
    timer.start()

    def run(label: str, force: bool) -> None:
        seen.clear()
        busy.clear()
        gaps.clear()
        last[0] = time.perf_counter()
        t0 = time.perf_counter()
        if force:
            worker.refresh(force=True)
        else:
            worker.open()
        while busy[-1:] != [False] or not any(k == "duplicates" for k, _, _ in seen):
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if time.perf_counter() - t0 > 900:
                raise SystemExit("timed out")
        wall = time.perf_counter() - t0
        g = sorted(gaps)
        results[label] = {
            "wall_s": round(wall, 2),
            "groups": [(k, n, round(s, 2)) for k, n, s in seen],
            "max_gap_ms": round(1000 * g[-1], 1) if g else None,
            "p99_gap_ms": round(1000 * g[int(0.99 * (len(g) - 1))], 1) if g else None,
            "median_gap_ms": round(1000 * g[len(g) // 2], 1) if g else None,
            "ticks": len(g),
        }
        print(label, json.dumps(results[label]), flush=True)

    run(
        "cold (cluster" + ("" if args.no_names else " + name") + " + events + duplicates)",
        force=False,
    )
    if args.runs == "both":
        run("forced recluster", force=True)
    timer.stop()
    thread.stop(120000)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
