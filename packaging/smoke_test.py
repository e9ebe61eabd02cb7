"""Smoke-test an installed photoalbum: a wheel in a torch-free venv or the frozen app.

usage: python packaging/smoke_test.py --exe PATH --model-dir DIR --photos DIR [--gui MODE]

Drives the given ``photoalbum`` executable the way a person would, with a throw-away library and
models dir: ``--version``; ``model import`` of a ready-made (prepared) model folder; ``index`` of
the photos; a text ``search`` that must return photos from that folder; ``scenes`` (reads the
scene vocabulary from the shipped resources); then starts the desktop app on the same library
on the photos folder (``photoalbum FOLDER``, as "Open with" does) until its first window is
painted and closes it: ``--gui xvfb`` under a private Xvfb display with
Ctrl+Q (needs Xvfb and xdotool; it must exit with code 0), ``--gui offscreen`` with Qt's
offscreen platform (stopped with SIGTERM once the window is up), ``--gui none`` skips it.
The photos must be unchanged afterwards. Imports nothing from photoalbum, so any Python runs it.
Prints one line per step with its wall time; exits non-zero at the first failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MODEL = "random:tiny-clip"


class SmokeError(Exception):
    """A step did not do what it must."""


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Runner:
    """Runs photoalbum commands against one throw-away library and models dir."""

    def __init__(self, exe: list[str], work: Path, model: str) -> None:
        self.exe = exe
        self.library = work / "library"
        self.models = work / "models"
        self.model = model
        # The executable's own installation only: no PYTHONPATH pointing at a checkout.
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        # Keep everything (platform dirs, caches, Qt settings) inside the work dir.
        for var in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                    "XDG_STATE_HOME"):
            self.env[var] = str(work / var.lower())
        self.env["HF_HUB_OFFLINE"] = "1"

    def argv(self, *words: str) -> list[str]:
        return [*self.exe, "--library", str(self.library), "--models-dir", str(self.models),
                "--model", self.model, *words]

    def run(self, *words: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(self.argv(*words), capture_output=True, text=True, env=self.env,
                             timeout=timeout)
        if out.returncode != 0:
            raise SmokeError(f"{' '.join(words)} exited {out.returncode}:\n{out.stderr}")
        return out

    def json(self, *words: str) -> object:
        return json.loads(self.run(*words, "--json").stdout)


def step(name: str, fn, *args):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn(*args)
    print(f"ok  {name:<34} {time.perf_counter() - t0:6.2f} s", flush=True)
    return result


def check_version(r: Runner) -> str:
    out = subprocess.run([*r.exe, "--version"], capture_output=True, text=True, env=r.env,
                         timeout=120)
    text = out.stdout.strip()
    if out.returncode != 0 or not text.startswith("photoalbum "):
        raise SmokeError(f"--version: {out.returncode} {text!r} {out.stderr}")
    return text


def check_import(r: Runner, model_dir: Path) -> None:
    info = r.json("model", "import", str(model_dir))
    if not isinstance(info, dict) or not (r.models / model_dir.name / "manifest.json").is_file():
        raise SmokeError(f"model import did not install the model: {info}")


def check_index(r: Runner, photos: Path, expected: int) -> None:
    report = r.json("index", str(photos))
    if report["indexed"] != expected or report["failed"]:  # type: ignore[index]
        raise SmokeError(f"index: expected {expected} indexed, got {report}")


def check_search(r: Runner, photos: Path) -> int:
    result = r.json("search", "a", "photo", "of", "a", "cat", "--all", "-k", "3")
    hits = result["results"]  # type: ignore[index]
    root = str(photos.resolve())
    if not hits or not all(h["path"].startswith(root) for h in hits):
        raise SmokeError(f"search returned no photos from {root}: {result}")
    return len(hits)


def check_scenes(r: Runner) -> None:
    scenes = r.json("scenes")
    if not isinstance(scenes, list):
        raise SmokeError(f"scenes: {scenes}")


def _wait_for_probe(proc: subprocess.Popen[str], timeout: float) -> float:
    """Seconds to the first window, as the app reports it (PHOTOALBUM_STARTUP_PROBE)."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("PHOTOALBUM-FIRST-WINDOW"):
                found.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not found.is_set():
        if proc.poll() is not None:
            time.sleep(0.2)  # let the reader finish
            raise SmokeError(f"the app exited ({proc.returncode}) before its window:\n"
                             + "".join(lines))
        found.wait(0.05)
    for line in lines:
        if line.startswith("PHOTOALBUM-FIRST-WINDOW"):
            return float(line.split()[1])
    raise SmokeError(f"no first window within {timeout:.0f} s:\n" + "".join(lines))


def check_gui(r: Runner, mode: str, screenshot: Path | None, photos: Path) -> str:
    env = dict(r.env, PHOTOALBUM_STARTUP_PROBE="1")
    xvfb = None
    if mode == "xvfb":
        display = f":{90 + os.getpid() % 400}"
        xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1360x860x24", "-nolisten",
                                 "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        time.sleep(1.0)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    t0 = time.perf_counter()
    # Opened on the photos folder, as the file manager's "Open with" does.
    proc = subprocess.Popen(r.argv(str(photos)), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        inside = _wait_for_probe(proc, 120)
        wall = time.perf_counter() - t0
        if mode == "xvfb":
            time.sleep(8.0)  # let the workers open the library and show the photos
            win = _xdotool(env, "search", "--onlyvisible", "--name", "photoalbum").split()[0]
            if screenshot is not None and shutil.which("import"):
                subprocess.run(["import", "-window", win, str(screenshot)], env=env, check=False)
            _xdotool(env, "windowfocus", "--sync", win)
            _xdotool(env, "key", "--clearmodifiers", "ctrl+q")
            code = proc.wait(timeout=60)
            if code != 0:
                raise SmokeError(f"the app exited with {code} after Ctrl+Q")
        else:
            time.sleep(2.0)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        return f"first window {inside:.2f} s in-process, {wall:.2f} s wall"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


def _xdotool(env: dict[str, str], *args: str) -> str:
    for _ in range(100):
        out = subprocess.run(["xdotool", *args], capture_output=True, text=True, env=env)
        if out.returncode == 0 and (out.stdout.strip() or args[0] != "search"):
            return out.stdout
        time.sleep(0.1)
    raise SmokeError(f"xdotool {' '.join(args)} failed: {out.stderr}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exe", required=True, help="the photoalbum executable (frozen or venv)")
    ap.add_argument("--model-dir", type=Path, required=True, help="a prepared model folder")
    ap.add_argument("--model", default=MODEL, help="the spec the prepared folder holds")
    ap.add_argument("--photos", type=Path, required=True, help="a folder of sample photos")
    ap.add_argument("--gui", choices=["xvfb", "offscreen", "none"], default="xvfb")
    ap.add_argument("--screenshot", type=Path, help="(xvfb) save the first window here")
    ap.add_argument("--work", type=Path, help="keep the library here (default: a temp dir)")
    args = ap.parse_args(argv)

    photos = args.photos.resolve()
    expected = sum(1 for p in photos.rglob("*.jpg"))
    before = _snapshot(photos)
    with tempfile.TemporaryDirectory(prefix="photoalbum-smoke-") as tmp:
        work = args.work or Path(tmp)
        r = Runner([str(Path(args.exe).resolve())], work, args.model)
        try:
            print(step("--version", check_version, r))
            step("model import (ready-made ONNX)", check_import, r, args.model_dir.resolve())
            step(f"index {expected} photos", check_index, r, photos, expected)
            n = step("search", check_search, r, photos)
            print(f"    {n} results")
            step("scenes (shipped vocabulary)", check_scenes, r)
            if args.gui != "none":
                print("    " + step(f"app ({args.gui})", check_gui, r, args.gui, args.screenshot,
                                         photos))
        except (SmokeError, subprocess.TimeoutExpired) as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    if _snapshot(photos) != before:
        print("FAILED: the photos changed", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
