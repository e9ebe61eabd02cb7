"""Tests for the model registry and spec parsing."""

from __future__ import annotations

import re

import pytest

from photoalbum.core.errors import UserError
from photoalbum.core.models.registry import DEFAULT_MODEL, list_models, resolve_spec


def test_default_model_is_listed_first_and_multilingual() -> None:
    models = list_models()
    assert models[0].name == DEFAULT_MODEL
    spec = resolve_spec(DEFAULT_MODEL)
    assert spec.arch == "xlm-roberta-base-ViT-B-32"
    assert spec.pretrained == "laion5b_s13b_b90k"
    assert "multilingual" in spec.languages
    assert spec.hf_tokenizer == "xlm-roberta-base"
    assert not spec.random_weights
    assert spec.published["Crossmodal-3600 zh R@1/5/10"] == "53.7/77.7/86.1"
    assert spec.model_key == "xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k"


def test_fast_english_option() -> None:
    spec = resolve_spec("ViT-B-32-datacomp")
    assert (spec.arch, spec.pretrained, spec.languages) == (
        "ViT-B-32",
        "datacomp_xl_s13b_b90k",
        ("en",),
    )
    # The stable key form resolves to the same spec.
    assert resolve_spec("ViT-B-32/datacomp_xl_s13b_b90k") == spec


def test_every_listed_model_has_published_numbers_and_unique_slug() -> None:
    models = list_models()
    assert len({m.slug for m in models}) == len(models)
    for m in models:
        assert m.published, m.name
        assert m.description


@pytest.mark.parametrize(
    "arch", ["tiny-clip", "tiny-xlmr", "ViT-B-32", "xlm-roberta-base-ViT-B-32"]
)
def test_random_specs(arch: str) -> None:
    spec = resolve_spec(f"random:{arch}")
    assert spec.random_weights
    assert spec.pretrained is None
    assert spec.arch == arch
    assert spec.model_key == f"random:{arch}"
    assert "RANDOM" in spec.description
    assert re.fullmatch(r"[A-Za-z0-9._-]+", spec.slug)
    assert spec.slug != resolve_spec(DEFAULT_MODEL).slug


def test_random_xlmr_uses_the_hub_tokenizer_name() -> None:
    assert resolve_spec("random:xlm-roberta-base-ViT-B-32").hf_tokenizer == "xlm-roberta-base"
    assert resolve_spec("random:tiny-clip").hf_tokenizer is None


def test_unknown_model_lists_the_choices() -> None:
    with pytest.raises(UserError) as exc:
        resolve_spec("no-such-model")
    msg = str(exc.value)
    assert "no-such-model" in msg
    for m in list_models():
        assert m.name in msg
    assert "random:" in msg


@pytest.mark.parametrize("bad", ["random:", "random:../../etc", "random:a b", "random:-x", ""])
def test_bad_specs_are_user_errors(bad: str) -> None:
    with pytest.raises(UserError):
        resolve_spec(bad)


def test_specs_are_hashable_and_whitespace_tolerant() -> None:
    assert resolve_spec("  random:tiny-clip ") == resolve_spec("random:tiny-clip")
    assert len({resolve_spec("random:tiny-clip"), resolve_spec("random:tiny-clip")}) == 1
