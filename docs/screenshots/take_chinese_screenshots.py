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
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DISPLAY = ":94"
MODEL = "random:tiny-clip"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=Path)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="zh-shots-"))
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1360x860x24", "-nolisten", "tcp"])
    time.sleep(1.5)
    os.environ.update(DISPLAY=DISPLAY, QT_QPA_PLATFORM="xcb")
    sys.path.insert(0, str(ROOT))
    try:
        return _shoot(work, args.models or work / "models")
    finally:
        xvfb.terminate()


def _prepare(models: Path, downloads: Path) -> None:
    from photoalbum.core.models.registry import resolve_spec
    from photoalbum.core.models.store import ModelStore
    from photoalbum.prepare import prepare_model

    ModelStore(models, downloads).ensure(resolve_spec(MODEL), prepare_model)


def _shoot(work: Path, models: Path) -> int:
    from photoalbum.core.paths import Paths
    from photoalbum.gui.app import build_app
    from photoalbum.gui.controllers.search import SearchState
    from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
    from photoalbum.gui.main_window import PAGE_FIRST_RUN, PAGE_LIBRARY
    from photoalbum.gui.preferences import ui_language
    from photoalbum.gui.translation import install_translators, locale_for
    from photoalbum.qt import QtCore, QtWidgets
    from photoalbum.workers.messages import LibraryOptions
    from tests.support.photos import SAMPLES, make_sample_photos

    photos = work / "照片"
    make_sample_photos(photos, SAMPLES[:12], size=1200)
    paths = Paths(library=work / "library", models=models, downloads=work / "downloads")
    _prepare(paths.models, paths.downloads)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    settings = QtCore.QSettings(str(work / "gui.ini"), QtCore.QSettings.Format.IniFormat)
    settings.setValue("ui/language", "zh_CN")
    install_translators(app, locale_for(ui_language(settings)))
    built = build_app(
        paths,
        LibraryOptions(model=MODEL),
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

    def search_open() -> bool:
        return win.search_controller.state is SearchState.OPEN

    wait(lambda: win.current_page() in (PAGE_FIRST_RUN, PAGE_LIBRARY), 120)
    settle(2)
    win.add_folder()
    wait(lambda: bool(finished), 900)
    wait(search_open, 120)
    settle(4)
    win.grab().save(str(HERE / "14-chinese-timeline.png"))
    print("saved 14-chinese-timeline")
    shown: list[object] = []
    win.results_shown.connect(lambda *a: shown.append(a))
    win.search("海边的狗")
    wait(lambda: bool(shown), 60)
    settle(4)
    win.grab().save(str(HERE / "14-chinese-search.png"))
    print("saved 14-chinese-search")
    dialog = SettingsDialog(win.state, win.options, parent=win, language="zh_CN")
    dialog.show()
    settle(2)
    dialog.grab().save(str(HERE / "14-chinese-settings.png"))
    print("saved 14-chinese-settings")
    dialog.close()
    win.close()
    built.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
