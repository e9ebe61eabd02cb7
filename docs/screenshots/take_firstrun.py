"""Screenshots of the first-run flow (real window under Xvfb); run from the project root.

usage: python docs/screenshots/take_firstrun.py [--work DIR]

1. the welcome page on a fresh user account (HOME is a temp dir whose ~/Pictures holds sample
   photos): the Pictures folder and the default model preselected;
2. "Install" downloading from a LOCAL test hub (PHOTOALBUM_HUB_ENDPOINT) that serves the tiny
   random test model in immich's layout, throttled so the progress is visible — the app is
   stopped mid-download, nothing is installed under the real model's name;
3. the same with the hub unreachable: the offline explanation;
4. Help → About after installing the tiny model from a folder and indexing the photos (its INT8
   self-check figures; random weights, labelled).

Needs Xvfb, xdotool, ImageMagick's ``import``, and torch (to make the tiny test model once).
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from harness import key, output, shot, start_xvfb, stop, window_id  # noqa: E402

DISPLAY = ":96"
REPO = "immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k"
RATE = 150_000  # bytes per second served by the throttled local hub


def serve(export: Path) -> http.server.ThreadingHTTPServer:
    """A local hub serving export's files under REPO, slowly."""
    import hashlib

    class Hub(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def _data(self) -> bytes | None:
            prefix = f"/{REPO}/resolve/"
            if not self.path.startswith(prefix):
                return None
            f = export / self.path[len(prefix):].split("/", 1)[1]
            return f.read_bytes() if f.is_file() else None

        def _head(self, data: bytes, start: int = 0) -> None:
            self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
            self.send_header("X-Repo-Commit", "0" * 40)
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()

        def do_HEAD(self) -> None:  # noqa: N802
            data = self._data()
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self._head(data)

        def do_GET(self) -> None:  # noqa: N802
            data = self._data()
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self._head(data)
            try:
                for i in range(0, len(data), RATE // 10):
                    self.wfile.write(data[i : i + RATE // 10])
                    time.sleep(0.1)
            except OSError:
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def app(env: dict, work: Path, *extra: str, models: str = "models") -> subprocess.Popen:
    log = open(work / f"app-{time.time():.0f}.log", "w")  # noqa: SIM115
    cmd = [sys.executable, "-m", "photoalbum", "--library", str(work / f"library-{models}"),
           "--models-dir", str(work / models), *extra]
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_tree(p: subprocess.Popen) -> None:
    """Stop the app and the model child process it started (a killed app leaves it running)."""
    children = output("pgrep", "-P", str(p.pid), check=False).split()
    stop(p)
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 15)
    time.sleep(1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path)
    ap.add_argument("--install-at", default="113,554",
                    help="x,y of the Install button inside the window")
    ap.add_argument("--skip-download", action="store_true", help="only shots 11 and 12")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="firstrun-"))
    home = work / "home"
    from tests.support.photos import SAMPLES, make_sample_photos

    make_sample_photos(home / "Pictures", SAMPLES, size=900)
    make_sample_photos(home / "Pictures" / "2023", SAMPLES, size=700, year=2023)
    export = work / "tiny-export"
    env = os.environ.copy()
    env.update(HOME=str(home), DISPLAY=DISPLAY, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT),
               PHOTOALBUM_CACHE=str(work / "downloads"), PHOTOALBUM_LOG_DIR=str(work / "logs"))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env.pop(var, None)
    if not export.exists():
        from photoalbum.core.models.store import ModelStore
        from tests.support.model_fixtures import prepare_tiny
        from tests.support.readymade import make_immich_export

        store: ModelStore = prepare_tiny(work / "tiny")
        make_immich_export(store.installed()[0], export)
    server = serve(export)
    xvfb = start_xvfb(DISPLAY, (1360, 900))
    os.environ["DISPLAY"] = DISPLAY
    x, y = (int(v) for v in args.install_at.split(","))
    try:
        env["PHOTOALBUM_HUB_ENDPOINT"] = f"http://127.0.0.1:{server.server_port}"
        if not args.skip_download:
            p = app(env, work, models="models-download")  # never used again
            win = window_id("^photoalbum$")
            output("xdotool", "windowsize", win, "1280", "840", "windowmove", win, "20", "20")
            time.sleep(8)
            shot(win, "09-welcome")
            output("xdotool", "mousemove", "--window", win, str(x), str(y), "click", "1")
            time.sleep(80)  # huggingface_hub reports progress per 10 MB read
            shot(win, "10-installing")
            stop_tree(p)
        env["PHOTOALBUM_HUB_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens: "offline"
        env["PHOTOALBUM_CACHE"] = str(work / "downloads-offline")  # a fresh machine
        p = app(env, work, models="models-offline")
        win = window_id("^photoalbum$")
        output("xdotool", "windowsize", win, "1280", "840", "windowmove", win, "20", "20")
        time.sleep(25)  # the worker lists the models once the library is open (busy machine)
        output("xdotool", "mousemove", "--window", win, str(x), str(y), "click", "1")
        time.sleep(60)
        shot(win, "11-offline")
        stop_tree(p)
        # Install the tiny export from its folder and index ~/Pictures: the INT8 self-check runs.
        base = [sys.executable, "-m", "photoalbum", "--library", str(work / "library-models"),
                "--models-dir", str(work / "models"), "--model", "random:tiny-clip"]
        subprocess.run(base + ["model", "install", str(export)], env=env, check=True)
        subprocess.run(base + ["index", str(home / "Pictures")], env=env, check=True)
        p = app(env, work, "--model", "random:tiny-clip")
        win = window_id("^photoalbum$")
        output("xdotool", "windowsize", win, "1280", "840", "windowmove", win, "20", "20")
        time.sleep(20)  # the library opens on the worker thread (slow on a busy machine)
        output("xdotool", "windowfocus", "--sync", win)
        key("alt+h")
        time.sleep(1)
        key("Return")
        about = window_id("About photoalbum", timeout=20)
        time.sleep(1)
        shot(about, "12-about")
        stop(p)
    finally:
        server.shutdown()
        xvfb.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
