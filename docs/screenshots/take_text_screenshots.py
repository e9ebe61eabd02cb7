"""Screenshots of a text-in-photo match: the result grid and the viewer's highlighted line.

usage: python docs/screenshots/take_text_screenshots.py MODELS_DIR [--work DIR]

Runs under Xvfb (started here) with the real app built by ``gui.app.build_app`` on a fresh
library of scikit-image sample photos plus photos of rendered receipts and a sign
(tests/support/text_photos.py, Noto CJK), indexed with ``random:ViT-B-32`` from MODELS_DIR (random
weights: the CLIP side of the ranking is meaningless and the window says so; the text side is the
real PP-OCR model). Searches ``收据`` and ``hardware store`` and opens the viewer on the first hit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DISPLAY = ":96"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="text-shots-"))
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1360x860x24", "-nolisten", "tcp"])
    time.sleep(1.5)
    os.environ.update(DISPLAY=DISPLAY, QT_QPA_PLATFORM="xcb")
    sys.path.insert(0, str(ROOT))
    try:
        return _shoot(work, args.models)
    finally:
        xvfb.terminate()


def _shoot(work: Path, models: Path) -> int:
    from photoalbum.core.paths import Paths
    from photoalbum.gui.app import build_app
    from photoalbum.qt import QtCore, QtWidgets
    from photoalbum.workers.messages import LibraryOptions
    from tests.support.photos import SAMPLES, make_sample_photos
    from tests.support.text_photos import RECEIPT_EN, RECEIPT_ZH, save_text_photo

    photos = work / "Photos"
    make_sample_photos(photos, SAMPLES[:9], size=1200)
    save_text_photo(
        photos / "IMG_2041.jpg",
        [RECEIPT_EN, "2 x hinges       24.00", "1 x paint brush   8.50"],
        size=(1600, 1200),
    )
    save_text_photo(
        photos / "IMG_2042.jpg", [RECEIPT_ZH, "螺丝 x 20   ￥16", "谢谢惠顾"], size=(1600, 1200)
    )
    save_text_photo(photos / "IMG_2077.jpg", ["Main Street"], size=(1600, 1200))
    paths = Paths(library=work / "library", models=models, downloads=work / "downloads")
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    settings = QtCore.QSettings(str(work / "gui.ini"), QtCore.QSettings.Format.IniFormat)
    built = build_app(
        paths,
        LibraryOptions(model="random:ViT-B-32"),
        settings,
        watch=False,
        choose_folder=lambda: str(photos),
        persist_model=False,
    )
    win = built.window
    win.resize(1280, 800)
    win.show()
    built.start()
    finished: list[object] = []
    built.index_worker.run_finished.connect(finished.append)

    def wait(cond, timeout: float) -> None:  # type: ignore[no-untyped-def]
        end = time.time() + timeout
        while not cond():
            if time.time() > end:
                raise RuntimeError("timed out")
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.02)

    def settle(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.02)

    wait(lambda: win.current_page() in (1, 2) or win._search_open, 120)
    settle(2)
    win.add_folder()
    wait(lambda: bool(finished), 900)
    wait(lambda: win._search_open, 120)
    for name, query in (
        ("09-text-search-chinese-receipt", "收据"),
        ("10-text-search-hardware-store", "hardware store"),
    ):
        shown: list[object] = []
        win.results_shown.connect(lambda *a, s=shown: s.append(a))
        win.search(query)
        wait(lambda s=shown: bool(s), 60)
        settle(3)
        win.grab().save(str(HERE / f"{name}.png"))
        print("saved", name)
    viewer = win.open_viewer(0)
    viewer.resize(1200, 760)
    wait(lambda: len(viewer.text_lines) > 0 and viewer.full_loaded, 60)
    settle(2)
    viewer.grab().save(str(HERE / "11-text-match-viewer.png"))
    print("saved 11-text-match-viewer")
    viewer.close()
    win.close()
    built.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
