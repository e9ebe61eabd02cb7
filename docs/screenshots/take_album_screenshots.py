"""Take the README's timeline, album and search-by-date screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_album_screenshots.py MODELS_DIR [--work DIR] [--model M]

MODELS_DIR must hold the model already prepared (default ``random:tiny-clip``). The photos are
the Explore script's dated, placed crops of scikit-image's samples (five trips); an album
"Kyoto 2024" is made with the CLI, a few photos marked as favourites and rated; then the app
opens on a real X display: the Photos timeline with its scrubber, the album open on the Albums
page, and a search (its year read as a date) sorted newest first. Random weights: rankings are meaningless (the app labels
the model); dates, places and albums come from the files and the catalog.
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
MODEL = "random:tiny-clip"


def sh(*cmd: str, env: dict | None = None) -> None:
    subprocess.run(cmd, check=True, env=env)


def drive(work: Path, models: Path, model: str) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    sys.path.insert(0, str(ROOT))
    from PySide6 import QtTest

    from photoalbum.core.paths import Paths
    from photoalbum.gui.app import build_app
    from photoalbum.gui.controllers.navigation import ALBUMS, PHOTOS
    from photoalbum.gui.translation import install_translators, locale_for
    from photoalbum.qt import QtCore, QtWidgets  # first: the binding's workarounds
    from photoalbum.workers.messages import LibraryOptions

    app = QtWidgets.QApplication([sys.argv[0]])
    app.setApplicationDisplayName("photoalbum")
    install_translators(app, locale_for("en"))  # as the app's run() does: plural forms
    paths = Paths(library=work / "library", models=models, downloads=work / "downloads")
    settings = QtCore.QSettings(str(work / "gui.ini"), QtCore.QSettings.Format.IniFormat)
    parts = build_app(
        paths, LibraryOptions(model=model), settings, watch=False, persist_model=False
    )
    w = parts.window
    w.resize(1280, 800)
    w.move(0, 0)
    w.show()
    parts.start()

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            QtTest.QTest.qWait(50)

    def wait_until(cond, timeout: float = 300) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise RuntimeError("timed out")
            wait(0.2)

    def shot(name: str) -> None:
        wait(3)  # thumbnails
        target = HERE / f"{name}.png"
        sh("import", "-window", hex(int(w.winId())), str(target))
        print("saved", target, flush=True)

    wait_until(lambda: w.grid_model.rowCount() >= 40)
    w.go_to(PHOTOS)
    shot("13-timeline")
    albums = w.albums_controller
    assert albums is not None
    w.go_to(ALBUMS)
    wait(2)
    albums.open_album(1, "Kyoto 2024")
    wait_until(lambda: 0 < w.grid_model.rowCount() < 40)
    shot("13-album")
    albums.close_album()
    w.go_to(PHOTOS)
    w.sort_combo.setCurrentIndex(w.sort_combo.findData("date"))
    w.search_bar.set_text("photos from 2024")  # the year is read as a date filter
    wait_until(lambda: "photos from 2024" in w.search_controller.status_label.text())
    wait(3)
    shot("13-search-by-date")
    w.close()
    parts.shutdown()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="album-shots-"))
    if args.drive:
        drive(work, args.models.resolve(), args.model)
        return 0
    sys.path.insert(0, str(HERE))
    from take_explore_screenshots import make_photos

    work.mkdir(parents=True, exist_ok=True)
    photos = work / "Photos"
    if not photos.exists():
        make_photos(photos)
    env = os.environ.copy()
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    cli = [sys.executable, "-m", "photoalbum", "--library", str(work / "library")]
    cli += ["--models-dir", str(args.models), "--model", args.model]
    sh(*cli, "add", str(photos), env=env)
    sh(*cli, "index", env=env)
    kyoto = [str(photos / f"IMG_{n:04d}.jpg") for n in range(1, 9)]
    sh(*cli, "album", "create", "Kyoto 2024", env=env)
    sh(*cli, "album", "add", "Kyoto 2024", *kyoto, env=env)
    sh(*cli, "favorite", *kyoto[:3], env=env)
    sh(*cli, "rate", "4", *kyoto[3:6], env=env)
    display = ":95"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.5)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        me = [sys.executable, str(Path(__file__).resolve()), str(args.models)]
        sh(*me, "--work", str(work), "--model", args.model, "--drive", env=env)
    finally:
        xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
