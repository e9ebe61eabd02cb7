"""Take the README's Explore and query-chip screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_explore_screenshots.py MODELS_DIR [--work DIR] [--model M]

MODELS_DIR must hold the model already prepared (default ``random:tiny-clip``: ``photoalbum
--models-dir MODELS_DIR --model random:tiny-clip model prepare``; under a minute). The script
writes a folder of photos made from scikit-image's sample photos — crops taken on five "days",
each day in a city (EXIF capture times and GPS positions) — indexes it with the CLI (the places
pass files each photo under its city and country), then opens the app in this process on a real
X display (Xvfb): the Explore page's Places and Events tiles, a country's cities, and a query
whose date and place show as chips. Each window is saved with ImageMagick's ``import``. Random
weights: scene names and CLIP rankings are meaningless (the app labels the model); places and
dates come from the files. Needs Xvfb and ``import`` (Debian/Ubuntu: ``apt-get install xvfb
imagemagick`` plus Qt's xcb libraries).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from harness import ROOT, Driver, run_indexed_shots

DISPLAY = ":97"
MODEL = "random:tiny-clip"

#: (day, place (lat, lon), sources) of the photo "trips": a few photos of each source.
DAYS = (
    (datetime(2024, 7, 14, 9, 30), (34.9949, 135.7850), ("astronaut", "rocket")),  # Kyoto
    (datetime(2024, 8, 3, 15, 0), (30.2431, 120.1500), ("chelsea", "coffee")),  # Hangzhou
    (datetime(2024, 10, 19, 11, 0), (48.8606, 2.3376), ("coins", "camera", "page")),  # Paris
    (datetime(2025, 1, 2, 20, 0), (35.6895, 139.6917), ("moon", "hubble_deep_field")),  # Tokyo
    (datetime(2025, 3, 8, 14, 0), (31.2304, 121.4737), ("retina", "colorwheel")),  # Shanghai
)


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))


def make_photos(out: Path, per_source: int = 4, seed: int = 3) -> None:
    """Crops of scikit-image's sample photos with EXIF times and GPS positions."""
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.support.photos import sample_image

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for day, (lat, lon), sources in DAYS:
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
                exif.get_ifd(0x8769)[0x9003] = t.strftime("%Y:%m:%d %H:%M:%S")
                jitter = rng.uniform(-0.01, 0.01, size=2)
                plat, plon = lat + jitter[0], lon + jitter[1]
                exif.get_ifd(0x8825).update(
                    {
                        1: "N" if plat >= 0 else "S",
                        2: _dms(abs(plat)),
                        3: "E" if plon >= 0 else "W",
                        4: _dms(abs(plon)),
                    }
                )
                n += 1
                img.save(out / f"IMG_{n:04d}.jpg", quality=90, exif=exif)
                t += timedelta(minutes=int(rng.integers(1, 12)))


def drive(work: Path, models: Path, model: str) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    d = Driver(work, models, model)
    from PySide6 import QtTest

    from photoalbum.gui.controllers.navigation import EXPLORE
    from photoalbum.qt import Qt

    w = d.window
    wait_until, shot = d.wait_until, d.shot  # a shot waits 3 s: covers and thumbnails

    def click(kind: str, row: int) -> None:
        view = w.group_lists[kind].view
        index = view.model().index(row, 0)
        view.scrollTo(index)
        QtTest.QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
        )

    places = w.group_lists["place"]
    wait_until(
        lambda: (
            len(places.countries()) == 3
            and bool(w.group_models["event"].groups())
            and not places._busy
        )
    )
    explore = w.library_page.explore
    w.go_to(EXPLORE)
    explore.show_tab("place")
    shot("14-explore-places")
    click("place", 0)  # the country with the most photos: its cities
    shot("14-explore-cities")
    explore.show_tab("event")
    shot("14-explore-events")
    w.go_to(EXPLORE)
    w.search_bar.set_text("summer 2024 in Kyoto")
    wait_until(lambda: bool(w.search_bar.understood_chips()))  # the first search reads places
    shot("14-query-chips")
    d.close()


def main() -> int:
    return run_indexed_shots(
        __file__, "explore-shots-", DISPLAY, drive, lambda _, photos: make_photos(photos),
        model=MODEL,
    )


if __name__ == "__main__":
    raise SystemExit(main())
