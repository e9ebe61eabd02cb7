"""Take the README's video and RAW+JPEG screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_media_screenshots.py MODELS_DIR [--work DIR] [--model M]

MODELS_DIR must hold the model already prepared (default ``random:tiny-clip``). The script
writes a folder with a few scikit-image sample photos, a 9-second video of three scenes
(astronaut, cat, coffee; encoded with PyAV) and a RAW+JPEG pair (a DNG written from Bayer data
beside a JPEG of the same shot, 1 s apart), indexes it with the CLI, then opens the app on a
real X display: a drag-in query made of the cat still (the video's second scene) lists the
video at its moment; the viewer opens the video at that moment; the pair's info panel lists
both files. Random weights: identical pictures still get identical vectors, so the still finds
its own scene; other rankings are meaningless (the app labels the model).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = "random:tiny-clip"
SCENES = ("astronaut", "chelsea", "coffee")  # three seconds each
SIZE = (480, 320)


def make_library(out: Path) -> bytes:
    """The photos, the video and the pair; returns the JPEG bytes of the video's second scene."""
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.support.pairs import raw
    from tests.support.photos import sample_image
    from tests.support.videos import make_video

    out.mkdir(parents=True, exist_ok=True)
    frames = [np.asarray(sample_image(n).convert("RGB").resize(SIZE)) for n in SCENES]
    make_video(out / "holiday.mp4", [(f, 3.0) for f in frames])
    for name in ("rocket", "camera", "coins"):
        sample_image(name).convert("RGB").save(out / f"{name}.jpg", quality=90)
    taken = datetime(2024, 5, 1, 10, 0, 0)
    face = sample_image("astronaut").convert("RGB").resize(SIZE)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    face.save(out / "IMG_0042.JPG", quality=90, exif=exif)
    raw(out / "IMG_0042.DNG", taken.replace(second=1))
    still = io.BytesIO()
    Image.fromarray(frames[1]).save(still, format="JPEG", quality=92)
    return still.getvalue()


def sh(*cmd: str, env: dict | None = None) -> None:
    subprocess.run(cmd, check=True, env=env)


def drive(work: Path, models: Path, model: str) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    sys.path.insert(0, str(ROOT))
    from PySide6 import QtTest

    from photoalbum.core.paths import Paths
    from photoalbum.gui.app import build_app
    from photoalbum.gui.translation import install_translators, locale_for
    from photoalbum.qt import QtCore, QtWidgets  # first: the binding's workarounds
    from photoalbum.workers.messages import ImageInput, LibraryOptions

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

    def shot(widget: QtWidgets.QWidget, name: str) -> None:
        wait(3)  # thumbnails and frames
        target = HERE / f"{name}.png"
        sh("import", "-window", hex(int(widget.winId())), str(target))
        print("saved", target, flush=True)

    model = w.grid_model
    wait_until(lambda: model.rowCount() >= 5)
    still = (work / "still.jpg").read_bytes()
    w.search_bar.add_image(ImageInput(data=still, label="cat still.jpg"))
    wait_until(lambda: w.search_controller.request.images and model.rowCount() > 0)
    wait(2)
    shot(w, "15-video-moment-results")
    row = next(r for r in range(model.rowCount()) if model.photo(r).path.endswith(".mp4"))
    viewer = w.open_viewer(row)
    assert viewer is not None
    viewer.resize(1100, 720)
    shot(viewer, "15-video-viewer-moment")
    viewer.close()
    w.search_bar.clear()
    wait_until(lambda: not w.search_controller.request.images)
    wait(2)
    row = next(r for r in range(model.rowCount()) if model.photo(r).path.endswith("0042.JPG"))
    viewer = w.open_viewer(row)
    assert viewer is not None
    viewer.resize(1100, 720)
    shot(viewer, "15-raw-jpeg-pair-info")
    viewer.close()
    w.close()
    parts.shutdown()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="media-shots-"))
    if args.drive:
        drive(work, args.models.resolve(), args.model)
        return 0
    work.mkdir(parents=True, exist_ok=True)
    photos = work / "Photos"
    if not photos.exists():
        (work / "still.jpg").write_bytes(make_library(photos))
    env = os.environ.copy()
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    cli = [sys.executable, "-m", "photoalbum", "--library", str(work / "library")]
    cli += ["--models-dir", str(args.models), "--model", args.model]
    sh(*cli, "add", str(photos), env=env)
    sh(*cli, "index", env=env)
    display = ":96"
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
