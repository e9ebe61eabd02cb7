"""The model commands: listing with a damaged model, install warnings, model info's source."""

from __future__ import annotations

import json

from photoalbum.cli import main
from photoalbum.core.models import registry
from photoalbum.core.models.manifest import Manifest
from tests.support.model_fixtures import link_model

MODEL = "random:tiny-clip"


def test_model_list_shows_a_damaged_model_instead_of_failing(
    tmp_path, tiny_model, monkeypatch, capsys
):
    models = tmp_path / "models"
    linked = link_model(tiny_model, models)
    manifest = Manifest.load(linked)
    assert manifest.files_sha256, "the tiny model records its checksums"
    damaged = linked / sorted(manifest.files_sha256)[0]
    data = damaged.read_bytes()
    damaged.unlink()  # hard-linked from the session's model: replace, never write in place
    damaged.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    # the registry lists the tiny model, so 'model list' looks it up like a real one
    monkeypatch.setattr(registry, "list_models", lambda: [registry.resolve_spec(MODEL)])
    base = ["--library", str(tmp_path / "lib"), "--models-dir", str(models)]

    assert main([*base, "model", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == MODEL and row["prepared"] is True and row["damaged"] is True
    assert main([*base, "model", "list"]) == 0
    assert "damaged" in capsys.readouterr().out.splitlines()[0]


def test_install_warning_and_model_info_name_the_checks(tmp_path, immich_export, capsys):
    base = ["--library", str(tmp_path / "lib"), "--models-dir", str(tmp_path / "models")]
    base += ["--model", MODEL]
    assert main([*base, "model", "install", str(immich_export)]) == 0
    out = capsys.readouterr().out
    assert "neither the registry nor the hub gives a checksum" in out
    assert "no SHA-256 recorded in the registry" not in out


def test_model_info_shows_the_source_commit_and_checks(tmp_path, tiny_model, capsys):
    models = tmp_path / "models"
    linked = link_model(tiny_model, models)
    record = json.loads((linked / "manifest.json").read_text())
    record["source"] = {
        "kind": "ready-made",
        "repo": "someone/tiny",
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "checked_by": {"visual.onnx": "hub lfs sha256"},
        "verified": True,
    }
    (linked / "manifest.json").unlink()
    (linked / "manifest.json").write_text(json.dumps(record))
    base = ["--library", str(tmp_path / "lib"), "--models-dir", str(models), "--model", MODEL]
    assert main([*base, "model", "info"]) == 0
    out = capsys.readouterr().out
    assert "commit: 0123456789abcdef0123456789abcdef01234567" in out
    assert "visual.onnx: checked by hub lfs sha256" in out
