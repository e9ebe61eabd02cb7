"""Screenshots of the app in Simplified Chinese: the main window after a search, and Settings.

usage: python docs/screenshots/take_chinese_screenshots.py [--models DIR] [--work DIR]

Runs under Xvfb (started here; Noto CJK fonts must be installed) with the real app built by
``gui.app.build_app``, its UI language set to zh_CN the way ``gui.app.run`` sets it (the
``ui/language`` setting, then the translators), on a fresh library of scikit-image sample photos
indexed with ``random:tiny-clip`` (random weights, prepared into the work dir unless --models
holds it; needs torch): the window says the results are meaningless, in Chinese. Searches
``海边的狗``: saves the Photos timeline, the search, and Settings with its language choice.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from harness import ROOT, Driver, xvfb

DISPLAY = ":94"
MODEL = "random:tiny-clip"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=Path)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="zh-shots-"))
    sys.path.insert(0, str(ROOT))
    with xvfb(DISPLAY, (1360, 860)):
        return _shoot(work, args.models or work / "models")


def _prepare(models: Path, downloads: Path) -> None:
    from photoalbum.core.models.registry import resolve_spec
    from photoalbum.core.models.store import ModelStore
    from photoalbum.prepare import prepare_model

    ModelStore(models, downloads).ensure(resolve_spec(MODEL), prepare_model)


def _shoot(work: Path, models: Path) -> int:
    from photoalbum.gui.controllers.search import SearchState
    from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
    from photoalbum.gui.main_window import PAGE_FIRST_RUN, PAGE_LIBRARY
    from tests.support.photos import SAMPLES, make_sample_photos

    photos = work / "照片"
    make_sample_photos(photos, SAMPLES[:12], size=1200)
    _prepare(models, work / "downloads")
    # The UI language as gui.app.run sets it: the ui/language setting, then its catalogs.
    d = Driver(
        work,
        models,
        MODEL,
        language="zh_CN",
        settings={"ui/language": "zh_CN"},
        choose_folder=lambda: str(photos),
        move=False,
    )
    win = d.window
    finished: list[object] = []
    d.parts.index_worker.run_finished.connect(finished.append)
    wait, settle = d.wait_until, d.wait

    def search_open() -> bool:
        return win.search_controller.state is SearchState.OPEN

    wait(lambda: win.current_page() in (PAGE_FIRST_RUN, PAGE_LIBRARY), 120)
    settle(2)
    win.add_folder()
    wait(lambda: bool(finished), 900)
    wait(search_open, 120)
    d.grab("14-chinese-timeline", settle=4)
    shown: list[object] = []
    win.results_shown.connect(lambda *a: shown.append(a))
    win.search("海边的狗")
    wait(lambda: bool(shown), 60)
    d.grab("14-chinese-search", settle=4)
    dialog = SettingsDialog(win.state, win.options, parent=win, language="zh_CN")
    dialog.show()
    d.grab("14-chinese-settings", dialog, settle=2)
    dialog.close()
    d.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
