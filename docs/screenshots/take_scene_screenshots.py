"""Take the README's Scenes / Events / Duplicates screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_scene_screenshots.py MODELS_DIR [--work DIR]

MODELS_DIR must hold ``random:ViT-B-32`` already prepared (``photoalbum --models-dir MODELS_DIR
--model random:ViT-B-32 model prepare``; minutes). The script writes a folder of photos made from
scikit-image's sample photos (crops taken on five "days" with EXIF capture times, plus resized and
recompressed copies), indexes it with the CLI, then opens the app in this process on a real X
display (Xvfb), clicks a scene, types a query inside it, clicks an event and the duplicates, and
saves each window with ImageMagick's ``import``. Random weights: scene names and groupings are
meaningless (the app labels the model); the screenshots show the app. Needs Xvfb and ``import``
(Debian/Ubuntu: ``apt-get install xvfb imagemagick`` plus Qt's xcb libraries).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from harness import ROOT, Driver, app_env, index_with_cli, rerun_under_xvfb

DISPLAY = ":93"
MODEL = "random:ViT-B-32"

#: (day, sources) of the photo "events": a few photos of each source, minutes apart.
DAYS = (
    (datetime(2024, 7, 14, 9, 30), ("astronaut", "rocket")),
    (datetime(2024, 8, 3, 15, 0), ("chelsea", "coffee")),
    (datetime(2024, 10, 19, 11, 0), ("coins", "camera", "page")),
    (datetime(2025, 1, 2, 20, 0), ("moon", "hubble_deep_field")),
    (datetime(2025, 3, 8, 14, 0), ("immunohistochemistry", "retina", "colorwheel")),
)


def make_photos(out: Path, per_source: int = 5, seed: int = 3) -> None:
    """Crops of scikit-image's sample photos with EXIF times, and three near-duplicate copies."""
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.support.photos import sample_image

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for day, sources in DAYS:
        t = day
        for name in sources:
            src = sample_image(name)
            for _ in range(per_source):
                w, h = src.size
                cw, ch = int(w * rng.uniform(0.65, 1.0)), int(h * rng.uniform(0.65, 1.0))
                x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
                img = src.crop((x0, y0, x0 + cw, y0 + ch))
                if rng.random() < 0.4:
                    img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                img = img.resize((int(img.width * 2), int(img.height * 2)))
                exif = Image.Exif()
                exif[0x010F] = "Sample"
                exif[0x0110] = "Camera One"
                exif[0x0132] = t.strftime("%Y:%m:%d %H:%M:%S")
                exif_ifd = exif.get_ifd(0x8769)
                exif_ifd[0x9003] = t.strftime("%Y:%m:%d %H:%M:%S")
                n += 1
                img.save(out / f"IMG_{n:04d}.jpg", quality=90, exif=exif)
                t += timedelta(minutes=int(rng.integers(1, 12)))
    # Near-duplicates (same EXIF time): a resized copy, a recompressed copy, an exported copy.
    for src, dst, size, quality in (
        ("IMG_0001.jpg", "IMG_0001 small.jpg", (640, 640), 70),
        ("IMG_0012.jpg", "IMG_0012 (1).jpg", None, 55),
        ("IMG_0030.jpg", "IMG_0030 export.jpg", None, 80),
    ):
        with Image.open(out / src) as im:
            exif = im.info.get("exif", b"")
            copy = im.resize(size) if size else im.copy()
        copy.save(out / dst, quality=quality, exif=exif)


def drive(work: Path, models: Path) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    d = Driver(work, models, MODEL)
    from PySide6 import QtTest

    from photoalbum.gui.controllers.navigation import DUPLICATES, EXPLORE
    from photoalbum.persistence import open_catalog
    from photoalbum.qt import Qt

    w = d.window
    paths = d.paths
    wait, wait_until, shot = d.wait, d.wait_until, d.shot  # a shot waits for covers, thumbnails

    def click(kind: str, row: int) -> None:
        # Scenes and events are tiles on the Explore page; near-duplicates a list on their own.
        if kind == DUPLICATES:
            w.go_to(DUPLICATES)
        else:
            w.go_to(EXPLORE)
            w.library_page.explore.show_tab(kind)
        view = w.group_lists[kind].view
        index = view.model().index(row, 0)
        view.scrollTo(index)
        QtTest.QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
        )

    models_ = w.group_models
    wait_until(
        lambda: (
            bool(models_["scene"].groups())
            and bool(models_["duplicates"].groups())
            and not w.group_lists["scene"]._busy
        )
    )
    # A click on a tile (a list row for duplicates) shows that group's photos.
    click("scene", 0)
    shot("09-scenes")
    w.search_bar.set_text("a person in a white suit")
    wait(6)
    shot("10-scene-and-text-search")
    click("event", 1)
    shot("11-events")
    dups = models_["duplicates"].groups()
    catalog = open_catalog(paths.catalog)  # this thread's own connection
    exported = next(
        (
            r
            for r, g in enumerate(dups)
            if g.key != "dup-all"
            and any("export" in p.path for p in catalog.photos(list(g.photo_ids)))
        ),
        1,
    )
    catalog.close()
    click("duplicates", exported)
    shot("12-duplicates")
    d.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="scene-shots-"))
    if args.drive:
        drive(work, args.models.resolve())
        return 0
    work.mkdir(parents=True, exist_ok=True)
    photos = work / "Photos"
    if not photos.exists():
        make_photos(photos)
    env = app_env()
    index_with_cli(work, photos, args.models, MODEL, env)
    rerun_under_xvfb(__file__, DISPLAY, (1280, 800), [str(args.models), "--work", str(work)], env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
