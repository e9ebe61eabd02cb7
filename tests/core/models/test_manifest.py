"""Tests for the prepared model's manifest (round trip, validation, damaged files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photoalbum.core.models.manifest import (
    FORMAT_VERSION,
    ImageConfig,
    Manifest,
    ManifestError,
    TextConfig,
    TowerInfo,
    rgb_triple,
)


def make_manifest(**overrides: object) -> Manifest:
    """A small valid manifest (files not checked here)."""
    base = dict(
        name="random:tiny-clip",
        arch="tiny-clip",
        pretrained=None,
        model_key="random:tiny-clip",
        dim=32,
        random_weights=True,
        image=ImageConfig(64, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
        text=TextConfig(kind="clip", context_length=77, pad_id=0),
        towers={
            "image": TowerInfo(
                files={"fp32": "image.fp32.onnx", "int8": "image.int8.onnx"},
                default_precision="int8",
                agreement={"centred_cosine": 0.99},
            ),
            "text": TowerInfo(files={"fp32": "text.fp32.onnx"}),
        },
    )
    base.update(overrides)
    return Manifest(**base)  # type: ignore[arg-type]


def test_round_trip(tmp_path: Path) -> None:
    m = make_manifest(warnings=["random"])
    m.save(tmp_path)
    loaded = Manifest.load(tmp_path)
    assert loaded == m
    assert loaded.image.mean == (0.5, 0.5, 0.5)
    assert loaded.towers["image"].default_precision == "int8"
    assert not list(tmp_path.glob("*.tmp"))


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    data = make_manifest().to_dict()
    data["future_field"] = 1
    data["towers"]["text"]["future"] = {"x": 1}
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    assert Manifest.load(tmp_path).dim == 32


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="not a prepared model"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize(
    "content", ["", "{", "[]", "null", '{"format_version": 1}', "\xff\xfe garbage"]
)
def test_damaged_manifest(tmp_path: Path, content: str) -> None:
    (tmp_path / "manifest.json").write_text(content, encoding="latin-1")
    with pytest.raises(ManifestError):
        Manifest.load(tmp_path)


def test_other_format_version(tmp_path: Path) -> None:
    data = make_manifest().to_dict()
    data["format_version"] = FORMAT_VERSION + 1
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="version"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize(
    "overrides",
    [
        {"dim": 0},
        {"towers": {"image": TowerInfo(files={"fp32": "i.onnx"})}},
        {
            "towers": {
                "image": TowerInfo(files={"fp32": "i.onnx"}, default_precision="int8"),
                "text": TowerInfo(files={"fp32": "t.onnx"}),
            }
        },
        {"text": TextConfig(kind="gpt", context_length=77, pad_id=0)},
    ],
)
def test_inconsistent_manifest(overrides: dict[str, object]) -> None:
    with pytest.raises(ManifestError):
        make_manifest(**overrides).validate()


def test_text_config_attention_mask() -> None:
    assert TextConfig(kind="hf", context_length=77, pad_id=1).uses_attention_mask
    assert not TextConfig(kind="clip", context_length=77, pad_id=0).uses_attention_mask


def test_rgb_triple() -> None:
    assert rgb_triple([0.5, "0.25", 1]) == (0.5, 0.25, 1.0)
    assert rgb_triple(x for x in (1, 2, 3)) == (1.0, 2.0, 3.0)


@pytest.mark.parametrize("values", [[], [0.5, 0.5], [0.1, 0.2, 0.3, 0.4], ["a", 1, 2]])
def test_rgb_triple_refuses_anything_but_three_numbers(values: list[object]) -> None:
    with pytest.raises(ValueError):
        rgb_triple(values)
