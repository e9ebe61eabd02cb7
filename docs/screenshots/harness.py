"""The screenshot scripts' one harness: Xvfb, the app built in this process, waits and shots.

Two ways of driving the real app, both on a real X display (Xvfb, started here):

- in this process: :class:`Driver` builds the app as ``photoalbum.gui.app.run`` does
  (``build_app``), waits on it and saves its windows (``import`` from ImageMagick, or Qt's grab);
  a script that indexes with the CLI first re-runs itself under Xvfb (:func:`rerun_under_xvfb`);
- from outside: :func:`start_app` runs ``photoalbum`` and the xdotool helpers (:func:`key`,
  :func:`click`, :func:`type_text`…) type and click into it, as a person would.

Needs Xvfb, xdotool and ImageMagick's ``import`` (Debian/Ubuntu: ``apt-get install xvfb xdotool
imagemagick`` plus Qt's xcb libraries, e.g. ``libxcb-cursor0 libxkbcommon-x11-0``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def sh(*cmd: str, env: dict | None = None) -> None:
    """Run ``cmd``; fail loudly if it fails."""
    subprocess.run(cmd, check=True, env=env)


def output(*cmd: str, check: bool = True, env: dict | None = None) -> str:
    """Run ``cmd`` and return what it printed (stripped)."""
    out = subprocess.run(cmd, capture_output=True, text=True, env=env or os.environ.copy())
    if check and out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stderr}")
    return out.stdout.strip()


# --- Xvfb ------------------------------------------------------------------------------------
def start_xvfb(display: str, size: tuple[int, int]) -> subprocess.Popen:
    """Start an X server on ``display`` with one screen of ``size`` (it is up on return)."""
    w, h = size
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp"])
    time.sleep(1.5)
    return xvfb


@contextlib.contextmanager
def xvfb(display: str, size: tuple[int, int]) -> Iterator[None]:
    """An X server on ``display`` while the block runs; Qt in this process draws on it."""
    server = start_xvfb(display, size)
    os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    try:
        yield
    finally:
        server.terminate()


def app_env() -> dict[str, str]:
    """The environment the app and the CLI run in: this tree's photoalbum, nothing fetched."""
    env = os.environ.copy()
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    return env


def index_with_cli(work: Path, photos: Path, models: Path, model: str, env: dict) -> list[str]:
    """Add ``photos`` to the work library and index it with the CLI; returns the CLI's command
    (for more commands on the same library)."""
    cli = [sys.executable, "-m", "photoalbum", "--library", str(work / "library")]
    cli += ["--models-dir", str(models), "--model", model]
    sh(*cli, "add", str(photos), env=env)
    sh(*cli, "index", env=env)
    return cli


def rerun_under_xvfb(
    script: str, display: str, size: tuple[int, int], args: list[str], env: dict
) -> None:
    """Run ``script`` again with ``args`` and ``--drive`` on a fresh X server: the app is built
    in that process, on that display."""
    server = start_xvfb(display, size)
    try:
        env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        sh(sys.executable, str(Path(script).resolve()), *args, "--drive", env=env)
    finally:
        server.terminate()


def run_indexed_shots(
    script: str,
    prefix: str,
    display: str,
    drive: Callable[[Path, Path, str], None],
    make_photos: Callable[[Path, Path], None],
    after_index: Callable[[list[str], Path, dict], None] | None = None,
    model: str = "random:tiny-clip",
) -> int:
    """The ``main`` of a script whose app is built on a library the CLI indexed first.

    Arguments: MODELS_DIR [--work DIR] [--model SPEC]. Without ``--drive``: the photos are made
    once (``make_photos(work, photos)``), added and indexed with the CLI (then
    ``after_index(cli, photos, env)``, e.g. albums), and ``script`` runs again under Xvfb on
    ``display`` with ``--drive``, which calls ``drive(work, models, model)``.
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("models", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--model", default=model)
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix=prefix))
    if args.drive:
        drive(work, args.models.resolve(), args.model)
        return 0
    work.mkdir(parents=True, exist_ok=True)
    photos = work / "Photos"
    if not photos.exists():
        make_photos(work, photos)
    env = app_env()
    cli = index_with_cli(work, photos, args.models, args.model, env)
    if after_index is not None:
        after_index(cli, photos, env)
    me = [str(args.models), "--work", str(work), "--model", args.model]
    rerun_under_xvfb(script, display, (1280, 800), me, env)
    return 0


# --- the app in this process -----------------------------------------------------------------
class Driver:
    """The app built in this process the way ``photoalbum.gui.app.run`` builds it, on the X
    display set, its main window shown at (0, 0) with ``size`` and its workers started.

    ``language``: install the app's catalogs for it first (``"en"`` gives the plural forms);
    ``settings``: values put in the (work dir's) settings before the app reads them.
    """

    def __init__(
        self,
        work: Path,
        models: Path,
        model: str,
        *,
        size: tuple[int, int] = (1280, 800),
        language: str | None = None,
        settings: dict[str, Any] | None = None,
        choose_folder: Callable[[], str | None] | None = None,
        move: bool = True,
    ) -> None:
        sys.path.insert(0, str(ROOT))
        from photoalbum.core.paths import Paths
        from photoalbum.gui.app import build_app
        from photoalbum.gui.translation import install_translators, locale_for
        from photoalbum.qt import QtCore, QtWidgets
        from photoalbum.workers.messages import LibraryOptions

        app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
        app.setApplicationDisplayName("photoalbum")
        self.app = app
        self.paths = Paths(library=work / "library", models=models, downloads=work / "downloads")
        qsettings = QtCore.QSettings(str(work / "gui.ini"), QtCore.QSettings.Format.IniFormat)
        for k, v in (settings or {}).items():
            qsettings.setValue(k, v)
        if language is not None:
            install_translators(app, locale_for(language))
        extra: dict[str, Any] = {"choose_folder": choose_folder} if choose_folder else {}
        self.parts = build_app(
            self.paths,
            LibraryOptions(model=model),
            qsettings,
            watch=False,
            persist_model=False,
            **extra,
        )
        self.window = self.parts.window
        self.window.resize(*size)
        if move:
            self.window.move(0, 0)
        self.window.show()
        self.parts.start()

    def wait(self, seconds: float) -> None:
        """Let the app run for ``seconds``."""
        from PySide6 import QtTest

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            QtTest.QTest.qWait(50)

    def wait_until(self, cond: Callable[[], object], timeout: float = 300) -> None:
        """Let the app run until ``cond()`` is true; RuntimeError after ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise RuntimeError("timed out")
            self.wait(0.2)

    def shot(self, name: str, widget: Any = None, settle: float = 3) -> Path:
        """Save ``widget`` (the main window by default) as ``name``.png beside the scripts, as
        the X server shows it, after ``settle`` seconds (thumbnails, covers and frames)."""
        self.wait(settle)
        target = HERE / f"{name}.png"
        win = widget if widget is not None else self.window
        sh("import", "-window", hex(int(win.winId())), str(target))
        print("saved", target, flush=True)
        return target

    def grab(self, name: str, widget: Any = None, settle: float = 0) -> Path:
        """Save ``widget`` (the main window by default) as ``name``.png, as Qt renders it."""
        self.wait(settle)
        target = HERE / f"{name}.png"
        win = widget if widget is not None else self.window
        win.grab().save(str(target))
        print("saved", name, flush=True)
        return target

    def close(self) -> None:
        """Close the window and stop the app's workers."""
        self.window.close()
        self.parts.shutdown()


# --- the app as another process, driven with xdotool -----------------------------------------
def window_id(name: str, timeout: float = 60) -> str:
    """The X window whose title matches ``name`` (a regular expression), once it shows."""
    end = time.time() + timeout
    while time.time() < end:
        ids = output("xdotool", "search", "--onlyvisible", "--name", name, check=False).split()
        if ids:
            return ids[-1]
        time.sleep(0.3)
    raise RuntimeError(f"no window named {name!r}")


def shot(win: str, name: str) -> None:
    """Save X window ``win`` as ``name``.png beside the scripts."""
    target = HERE / f"{name}.png"
    output("import", "-window", win, str(target))
    print("saved", target)


def key(*keys: str) -> None:
    output("xdotool", "key", "--clearmodifiers", *keys)


def type_text(text: str) -> None:
    output("xdotool", "type", "--delay", "40", text)


def click(x: int, y: int) -> None:
    output("xdotool", "mousemove", str(x), str(y), "click", "1")


def focus(win: str) -> None:
    # No window manager under Xvfb: give the window the keyboard focus ourselves.
    output("xdotool", "windowfocus", "--sync", win)


def start_app(library: Path, models: Path, model: str | None, env: dict) -> subprocess.Popen:
    """Run ``photoalbum`` on ``library`` (its output in a log file beside it)."""
    cmd = [sys.executable, "-m", "photoalbum", "--library", str(library)]
    cmd += ["--models-dir", str(models)]
    if model:
        cmd += ["--model", model]
    library.parent.mkdir(parents=True, exist_ok=True)
    log = open(library.parent / f"app-{int(time.time())}.log", "w")  # noqa: SIM115
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` (kill it if it does not end within 15 s)."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
