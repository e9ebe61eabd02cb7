"""Check the frozen app (``make dist`` runs this after PyInstaller; run from the project root).

usage: PYTHONPATH=. python packaging/check_frozen.py dist/photoalbum [--keep DIR] [--screenshot PNG]

Checks no torch/open_clip was bundled; prepares the tiny random-weights test model
(``random:tiny-clip``) with this (development) Python, which has torch, and writes a few sample
photos (scikit-image's); runs the app's model-import child process through the frozen binary
(``photoalbum -m photoalbum.workers.prepare_process``, what the model-setup page does); then
packaging/smoke_test.py against the binary: version, import of the prepared model folder, index,
search, scenes, the app's first window under Xvfb and a clean exit on Ctrl+Q. The wheel's
counterpart is tests/e2e/test_wheel.py (``make wheel-check``). Sizes and times are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "packaging"
MODEL = "random:tiny-clip"


def _env() -> dict[str, str]:
    env = os.environ.copy()
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["HF_HUB_OFFLINE"] = "1"
    return env


def _timed(what: str, cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-4000:] + out.stderr[-4000:])
        raise SystemExit(f"FAILED: {what} (exit {out.returncode})")
    print(f"ok  {what:<34} {time.perf_counter() - t0:6.2f} s", flush=True)
    return out


class ModelPreparation:
    """The tiny test model prepared into work/prepared-models by a child process of this
    (torch) Python, started at once so it runs while the build is inspected."""

    def __init__(self, work: Path) -> None:
        self.models = work / "prepared-models"
        home = work / "prepare-home"
        env = dict(_env(), HOME=str(home), XDG_CACHE_HOME=str(home / "cache"))
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "photoalbum", "--models-dir", str(self.models),
             "--library", str(work / "prepare-library"), "model", "prepare", MODEL, "--json"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def result(self) -> Path:
        """Wait for it; the prepared model's folder (what a user would import)."""
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            sys.stderr.write(err[-4000:])
            raise SystemExit(f"FAILED: preparing {MODEL} (exit {self.proc.returncode})")
        print(f"ok  {'prepare tiny model (torch venv)':<34} "
              f"{time.perf_counter() - self.t0:6.2f} s (in parallel)", flush=True)
        found = [p.parent for p in self.models.glob("*/manifest.json")]
        if len(found) != 1:
            raise SystemExit(f"FAILED: expected one prepared model in {self.models}: {found}")
        return found[0]


def sample_photos(folder: Path) -> Path:
    """Six of scikit-image's sample photos as camera-like JPEGs."""
    sys.path.insert(0, str(ROOT))
    from tests.support.photos import make_sample_photos

    make_sample_photos(folder)
    return folder


def smoke(exe: Path, model_dir: Path, photos: Path, gui: str, extra: list[str]) -> None:
    cmd = [sys.executable, str(HERE / "smoke_test.py"), "--exe", str(exe), "--model-dir",
           str(model_dir), "--photos", str(photos), "--gui", gui, *extra]
    code = subprocess.run(cmd).returncode
    if code != 0:
        raise SystemExit(f"FAILED: smoke test of {exe} (exit {code})")


def check_frozen(dist: Path, work: Path, screenshot: Path | None,
                 model_dir: Path | None = None) -> None:
    preparing = None if model_dir else ModelPreparation(work)
    exe = dist / ("photoalbum.exe" if os.name == "nt" else "photoalbum")
    if not exe.is_file():
        raise SystemExit(f"FAILED: no frozen app at {exe} (run make dist)")
    bundled = [p for p in dist.rglob("*")
               if p.name.split(".")[0] in ("torch", "open_clip", "transformers", "libtorch")]
    if bundled:
        raise SystemExit(f"FAILED: the frozen app bundles {bundled[:5]}")
    size = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"    frozen app {dist}: {size / 1e6:.0f} MB, no torch")
    if preparing is not None:
        model_dir = preparing.result()
    assert model_dir is not None
    photos = sample_photos(work / "photos")
    # The model-setup page imports a folder through a child process: sys.executable -m ….
    child_models = work / "child-models"
    out = _timed("app's import child (frozen -m)",
                 [str(exe), "-m", "photoalbum.workers.prepare_process", "--models-dir",
                  str(child_models), "--downloads-dir", str(work / "dl"), "--import",
                  str(model_dir), "--", MODEL])
    if not json.loads(out.stdout.strip().splitlines()[-1]).get("ok"):
        raise SystemExit(f"FAILED: the import child said {out.stdout}")
    extra = ["--screenshot", str(screenshot)] if screenshot else []
    smoke(exe, model_dir, photos, "xvfb" if shutil.which("Xvfb") else "offscreen", extra)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dist", type=Path, help="the one-folder build, e.g. dist/photoalbum")
    ap.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    ap.add_argument("--screenshot", type=Path, help="save the app's window here (Xvfb only)")
    ap.add_argument("--model-dir", type=Path,
                    help=f"an already prepared {MODEL} folder (default: prepare one)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="photoalbum-check-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        check_frozen(args.dist.resolve(), work, args.screenshot, args.model_dir)
    print(f"frozen app check passed in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
