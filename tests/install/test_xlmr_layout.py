"""An XLM-R export in immich's layout: pad id 1, Unigram/Metaspace tokenizer, mask in the graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.models.registry import resolve_spec
from photoalbum.core.models.store import ModelStore
from photoalbum.install.service import install_model
from tests.install.conftest import PAD_ID, XLMR_SPEC
from tests.support.photos import SAMPLES, make_sample_photos

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["一只在海滩上的狗", "a dog on the beach", "北京的雪景，夜晚。", "cat"]


def test_the_xlmr_export_installs_as_an_hf_tower_padding_with_id_1(
    xlmr_export, xlmr_model, tmp_path
):
    spec = resolve_spec(XLMR_SPEC)
    model = install_model(
        ModelStore(tmp_path / "models", tmp_path / "downloads"), spec, xlmr_export
    )
    text = model.manifest.text
    assert text.kind == "hf" and text.pad_id == PAD_ID and text.clean == "whitespace"
    assert text.dynamic_length is False
    # The installed tower (mask built in its graph from padding with id 1) encodes queries like
    # the prepared model it came from (mask given): a wrong pad id would change every vector.
    got = ClipEncoder(model, "fp32", threads=1).encode_texts(QUERIES)
    want = ClipEncoder(xlmr_model, "fp32", threads=1).encode_texts(QUERIES)
    cos = np.sum(got * want, axis=1)
    assert cos.min() > 0.9999, cos


def test_install_then_index_and_search_end_to_end(xlmr_export, tmp_path, capsys):
    from photoalbum.cli import main

    base = [
        "--library",
        str(tmp_path / "library"),
        "--models-dir",
        str(tmp_path / "models"),
        "--model",
        XLMR_SPEC,
    ]
    assert main(base + ["model", "install", str(xlmr_export), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["files_verified"] is True and info["tokenizer"]["source"].startswith("ready-made")
    photos = tmp_path / "photos"
    make_sample_photos(photos, SAMPLES[:6])
    assert main(base + ["index", str(photos), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"] == 6
    assert main(base + ["search", "一只猫", "--all", "-k", "3", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert len(results) == 3


def test_the_fixture_tokenizer_is_metaspace_as_tokenizers_019_writes_it(xlmr_export):
    from tokenizers import Tokenizer

    path = xlmr_export / "textual" / "tokenizer.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["model"]["type"] == "Unigram"
    pre = spec["pre_tokenizer"]
    metaspace = (
        pre
        if pre["type"] == "Metaspace"
        else next(p for p in pre.get("pretokenizers", []) if p["type"] == "Metaspace")
    )
    # The 0.19 format: "prepend_scheme", no "add_prefix_space" (0.15-0.18 cannot read it).
    assert "prepend_scheme" in metaspace and "add_prefix_space" not in metaspace
    ids = Tokenizer.from_file(str(path)).encode("a dog on the beach").ids
    assert ids and PAD_ID not in ids


def test_the_tokenizers_floor_reads_the_metaspace_format():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on Python 3.10
    floors = re.findall(r'^\s*"tokenizers\s*>=\s*([0-9.]+)', text, flags=re.MULTILINE)
    assert len(floors) == 1, floors
    assert tuple(int(x) for x in floors[0].strip(".").split(".")[:2]) >= (0, 19), floors


@pytest.mark.parametrize("name", ["hf_tokenizer_name", "hf_model_name"])
def test_either_hf_name_marks_the_text_tower_hf(xlmr_export, tmp_path, name):
    import shutil

    from photoalbum.install.readymade import text_config

    folder = shutil.copytree(xlmr_export, tmp_path / "x")
    config = json.loads((folder / "config.json").read_text())
    config["text_cfg"] = {"context_length": 77, name: "xlm-roberta-base"}
    assert text_config(folder, config).kind == "hf"
    assert text_config(folder, config).pad_id == PAD_ID
