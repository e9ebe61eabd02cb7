"""Take the README's screenshots of the real app under Xvfb (run from the project root).

usage: python docs/screenshots/take_screenshots.py PHOTOS_DIR [--work DIR] [--models DIR]
       python docs/screenshots/take_screenshots.py --setup-only   (02 only)

PHOTOS_DIR should hold ``samples/`` (tests/support/photos.py: make_sample_photos, size 1600)
and ``camera/`` (``python -m bench.make_photos camera 140 --mp 8``). Timings assume a busy
2-core machine; coordinates assume the default 1280 x 800 window at (20, 20).

Needs Xvfb, xdotool and ImageMagick's ``import`` (Debian/Ubuntu: ``apt-get install xvfb xdotool
imagemagick`` plus Qt's xcb libraries, e.g. ``libxcb-cursor0 libxkbcommon-x11-0``).
Drives ``photoalbum --model random:ViT-B-32`` (random weights: the app labels it) on a fresh
library: the random model being prepared (the welcome and offline pages: take_firstrun.py), the
first-run page, indexing in progress, a text search, an image dropped from another window (a real
X11 drag and drop), and the viewer. Results are meaningless with random weights; the screenshots
show the app, not the model.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    ROOT,
    click,
    focus,
    key,
    output,
    shot,
    start_app,
    start_xvfb,
    stop,
    type_text,
    window_id,
)

DISPLAY = os.environ.get("SHOTS_DISPLAY", ":97")
SIZE = (1360, 860)

DRAG_SOURCE = r"""
import sys
from PySide6 import QtCore, QtGui, QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
path = sys.argv[1]

class Source(QtWidgets.QLabel):
    def mousePressEvent(self, event):
        drag = QtGui.QDrag(self)
        mime = QtCore.QMimeData()
        mime.setUrls([QtCore.QUrl.fromLocalFile(path)])
        drag.setMimeData(mime)
        drag.setPixmap(self.pixmap().scaled(96, 96, QtCore.Qt.AspectRatioMode.KeepAspectRatio))
        drag.exec(QtCore.Qt.DropAction.CopyAction)

w = Source()
w.setWindowTitle("drag-source")
w.setPixmap(QtGui.QPixmap(path).scaled(160, 160, QtCore.Qt.AspectRatioMode.KeepAspectRatio))
w.setGeometry(1180, 680, 160, 160)
w.show()
app.exec()
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("photos", type=Path, nargs="?")
    ap.add_argument(
        "--setup-only",
        action="store_true",
        help="only the preparing shot (02); stops the preparation after the shot",
    )
    ap.add_argument("--work", type=Path)
    ap.add_argument("--models", type=Path, help="an existing models dir (skip the prepare shot)")
    args = ap.parse_args()
    if args.photos is None and not args.setup_only:
        ap.error("PHOTOS_DIR is needed (or --setup-only)")
    work = args.work or Path(tempfile.mkdtemp(prefix="shots-"))
    work.mkdir(parents=True, exist_ok=True)
    xvfb = start_xvfb(DISPLAY, SIZE)
    env = os.environ.copy()
    env.update(
        DISPLAY=DISPLAY,
        QT_QPA_PLATFORM="xcb",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(ROOT),
        PHOTOALBUM_CACHE=str(work / "downloads"),
    )
    os.environ["DISPLAY"] = DISPLAY
    procs: list[subprocess.Popen] = []
    try:
        # 1. The random-weights demo model: prepared by the app itself, with progress.
        models = args.models or work / "models"
        lib = work / "library"
        app = start_app(lib, models, "random:ViT-B-32", env)
        procs.append(app)
        win = window_id("^photoalbum$")
        output("xdotool", "windowsize", win, "1280", "800", "windowmove", win, "20", "20")
        if not args.models:
            time.sleep(15)
            shot(win, "02-preparing-random-model")
            if args.setup_only:
                return 0
            time.sleep(600)  # preparing ViT-B-32 (export, quantize, verify) takes minutes
        time.sleep(8)
        shot(win, "03-first-run")
        # 2. Add the photos folder through the real file dialog.
        click(660, 438)  # "Add a folder…"
        time.sleep(3)
        output("xdotool", "mousemove", "640", "533")
        type_text(str(args.photos))
        key("Return")
        time.sleep(1)
        key("Return")  # "Choose"
        time.sleep(12)  # mid-run on a quiet machine (~5 photos/s since indexing left the app)
        shot(win, "04-indexing")
        time.sleep(120)  # until indexing is done
        # 3. Text searches (English, then Chinese with a negative term).
        focus(win)
        key("ctrl+f")
        type_text("a cat on a sofa")
        key("Return")
        time.sleep(5)
        output("xdotool", "mousemove", "700", "820")
        shot(win, "05-text-search")
        focus(win)
        key("ctrl+f", "ctrl+a")
        type_text("沙发上的猫 -dog")
        key("Return")
        time.sleep(5)
        shot(win, "06-text-search-chinese")
        key("ctrl+f", "Escape")
        time.sleep(2)
        # 4. A real X11 drag and drop from another window onto the grid.
        src = args.photos / "samples" / "chelsea.jpg"
        drag = subprocess.Popen([sys.executable, "-c", DRAG_SOURCE, str(src)], env=env)
        procs.append(drag)
        time.sleep(5)
        output("xdotool", "mousemove", "1260", "760", "mousedown", "1")
        for x, y in ((1230, 740), (1150, 680), (1000, 600), (850, 500), (720, 420), (700, 410)):
            time.sleep(0.3)
            output("xdotool", "mousemove", str(x), str(y))
        time.sleep(0.8)
        output("xdotool", "mouseup", "1")
        time.sleep(6)
        stop(drag)
        output("xdotool", "mousemove", "700", "820")
        time.sleep(1)
        shot(win, "07-image-drop")
        # 5. The viewer, on a camera-sized photo among the results.
        focus(win)
        click(360, 230)
        key("space")
        time.sleep(4)
        viewer = window_id("— photoalbum")
        focus(viewer)
        key("Right")
        time.sleep(0.5)
        key("Right")
        time.sleep(5)
        shot(viewer, "08-viewer")
        key("Escape")
        stop(app)
    finally:
        for p in procs:
            if p.poll() is None:
                stop(p)
        xvfb.terminate()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
