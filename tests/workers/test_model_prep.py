"""Model preparation in a child process: the progress protocol, success and offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from photoalbum.workers.model_prep import PROGRESS_PREFIX, child_command, parse_progress
from tests.support.model_fixtures import TINY_SPEC

pytestmark = pytest.mark.gui


def test_parse_progress_lines():
    line = PROGRESS_PREFIX + json.dumps({"stage": "export", "done": 3, "total": 7})
    assert parse_progress(line) == ("export", 3, 7)
    assert parse_progress("INFO something else") is None
    assert parse_progress(PROGRESS_PREFIX + "{not json") is None


def test_child_reports_an_already_prepared_model_without_torch(tiny_paths):
    argv = child_command(tiny_paths.models, tiny_paths.downloads, TINY_SPEC)
    code = (
        "import runpy, sys; sys.argv = " + repr(["prepare", *argv[3:]]) + "; "
        "runpy.run_module('photoalbum.workers.prepare_process', run_name='__main__')"
    )
    # The child must not need torch when the model is already there: forbid importing it.
    guard = "import sys; sys.modules['torch'] = None; sys.modules['open_clip'] = None; "
    out = subprocess.run(
        [sys.executable, "-c", guard + code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ok"] and result["random_weights"] and result["model_key"] == "random:tiny-clip"


@pytest.mark.slow
def test_child_offline_says_how_to_get_the_model(paths):
    argv = child_command(paths.models, paths.downloads, "xlm-roberta-base-ViT-B-32")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 1 and not result["ok"]
    assert result["kind"] == "offline", result
    assert "photoalbum model install xlm-roberta-base-ViT-B-32" in result["message"]
    assert "Import model file or folder" in result["message"]
    assert str(paths.models) in result["message"]
    assert not any(p.name.startswith("xlm") for p in paths.models.iterdir())  # nothing half-made


def test_child_imports_a_prepared_folder(paths, tiny_model):
    argv = child_command(paths.models, paths.downloads, TINY_SPEC, import_path=str(tiny_model.path))
    out = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 0 and result["ok"], out.stderr[-2000:]
    assert (paths.models / tiny_model.path.name / "manifest.json").is_file()
    # Something that is not a prepared model is refused with a reason, nothing half-copied.
    bad = paths.downloads / "not-a-model"
    bad.mkdir()
    argv = child_command(paths.models, paths.downloads, "ViT-B-32-datacomp", import_path=str(bad))
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["ok"] and result["kind"] == "known" and "holds no model" in result["message"]
