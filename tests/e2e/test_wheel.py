"""The release wheel: built from the sdist, installed into a fresh venv without torch, it runs.

Builds with ``python -m build`` (sdist, then the wheel from the sdist), checks the wheel carries
resources/ and no tests, installs it with pip into a new venv (a fresh resolve of the run-time
dependencies from the package index), checks no torch/open_clip came along, and runs
packaging/smoke_test.py against the venv's ``photoalbum``: --version, ``model import`` of the
session's prepared tiny model (a folder of ONNX towers + tokenizer), index, search, scenes, the
app's first window (offscreen). Needs the package index (CI has it) and takes 1–3 minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.photos import make_sample_photos

# pip resolves and installs ~30 packages (hnswlib compiles): minutes on a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"torch", "torchvision", "open-clip-torch", "open_clip_torch", "transformers"}


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 600) -> str:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert out.returncode == 0, (
        f"{cmd[:4]} exited {out.returncode}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    )
    print(f"{' '.join(Path(c).name for c in cmd[:4])}: {time.perf_counter() - t0:.1f} s")
    return out.stdout


def test_wheel_installs_without_torch_and_runs(tmp_path, tiny_model):
    # pip's cache outside the (redirected) home, so rebuilt wheels (hnswlib) are reused.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_CACHE_DIR"] = str(ROOT / "build" / "pip-cache")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    out = tmp_path / "dist"
    # No build isolation: the test venv has setuptools (a fresh env per build costs a minute).
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        env,
        tmp_path,
    )
    wheel = next(out.glob("photoalbum-*.whl"))
    assert next(out.glob("photoalbum-*.tar.gz")).stat().st_size > 0
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "photoalbum/resources/scenes/vocabulary.tsv",
        "photoalbum/resources/icons/photoalbum.svg",
        "photoalbum/resources/icons/photoalbum-256.png",
        "photoalbum/resources/desktop/io.github.photoalbum.photoalbum.desktop",
        "photoalbum/resources/translations/photoalbum_zh_CN.qm",
        "photoalbum/resources/translations/photoalbum_en.qm",
        "photoalbum/py.typed",
    } <= names
    assert not any(n.startswith(("tests/", "bench/", "packaging/")) for n in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = str(env_dir / "bin" / "python")
    _run([py, "-m", "pip", "install", "-q", str(wheel)], env, tmp_path)
    installed = {
        p["name"].lower()
        for p in json.loads(_run([py, "-m", "pip", "list", "--format", "json"], env, tmp_path))
    }
    assert not installed & HEAVY, f"the run-time install pulled in {installed & HEAVY}"
    where = _run(
        [
            py,
            "-c",
            "import photoalbum; from photoalbum.core.resources import "
            "resources_dir; print(photoalbum.__file__); print(resources_dir())",
        ],
        env,
        tmp_path,
    ).split()
    site = str(env_dir)
    assert all(w.startswith(site) for w in where), where  # the installed copy, not the checkout

    photos = tmp_path / "photos"
    make_sample_photos(photos)
    smoke = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "smoke_test.py"),
            "--exe",
            str(env_dir / "bin" / "photoalbum"),
            "--model-dir",
            str(tiny_model.path),
            "--photos",
            str(photos),
            "--gui",
            "offscreen",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=tmp_path,
    )
    print(smoke.stdout)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke test passed" in smoke.stdout
