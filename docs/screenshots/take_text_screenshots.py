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
import sys
import tempfile
from pathlib import Path

from harness import ROOT, Driver, xvfb

DISPLAY = ":96"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="text-shots-"))
    sys.path.insert(0, str(ROOT))
    with xvfb(DISPLAY, (1360, 860)):
        return _shoot(work, args.models)


def _shoot(work: Path, models: Path) -> int:
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
    d = Driver(
        work, models, "random:ViT-B-32", choose_folder=lambda: str(photos), move=False
    )
    win = d.window
    finished: list[object] = []
    d.parts.index_worker.run_finished.connect(finished.append)
    wait, settle = d.wait_until, d.wait

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
        d.grab(name, settle=3)
    viewer = win.open_viewer(0)
    viewer.resize(1200, 760)
    wait(lambda: len(viewer.text_lines) > 0 and viewer.full_loaded, 60)
    d.grab("11-text-match-viewer", viewer, settle=2)
    viewer.close()
    d.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
