"""End-to-end: ``photoalbum model install`` of a ready-made export (folder, archive), then use it."""

from __future__ import annotations

import json

from photoalbum.cli import main
from tests.support.cli import MODEL
from tests.support.photos import SAMPLES, make_sample_photos
from tests.support.readymade import make_archive


def test_install_an_archive_then_index_search_and_info(tmp_path, immich_export, capsys):
    models, library = tmp_path / "models", tmp_path / "library"
    base = ["--library", str(library), "--models-dir", str(models), "--model", MODEL]
    packed = make_archive(immich_export, tmp_path / "tiny-export.tar.gz")

    assert main(base + ["model", "install", str(packed), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["source"]["kind"] == "ready-made" and info["source"]["verified"] is False
    assert set(info["towers"]["image"]["files"]) == {"fp32", "int8"}

    photos = tmp_path / "photos"
    make_sample_photos(photos, SAMPLES[:8])
    assert main(base + ["index", str(photos), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"] == 8
    assert main(base + ["search", "cat", "--all", "-k", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 3

    assert main(base + ["model", "info"]) == 0
    out = capsys.readouterr().out
    assert "INT8 check on your photos: not run yet" in out  # 8 photos < the 16 it needs
    assert "UNVERIFIED" in out or "ready-made" in out


def test_install_of_a_missing_path_or_unknown_name_fails_cleanly(tmp_path, capsys):
    base = ["--library", str(tmp_path / "l"), "--models-dir", str(tmp_path / "m")]
    assert main(base + ["model", "install", "no-such-model-or-folder"]) == 1
    assert "unknown model" in capsys.readouterr().err
