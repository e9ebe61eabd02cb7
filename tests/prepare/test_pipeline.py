"""End-to-end preparation of the tiny models: export, INT8, verify, manifest; determinism; offline."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.errors import OfflineError, UserError
from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.models.registry import resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel

torch = pytest.importorskip("torch")
pytest.importorskip("open_clip")

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_clip_manifest(tiny_model: PreparedModel) -> None:
    m = tiny_model.manifest
    assert (m.name, m.arch, m.pretrained, m.model_key) == (
        "random:tiny-clip",
        "tiny-clip",
        None,
        "random:tiny-clip",
    )
    assert m.random_weights and any("RANDOM WEIGHTS" in w for w in m.warnings)
    assert m.dim == 32 and m.image.input_size == 64
    assert m.image.mean == pytest.approx((0.48145466, 0.4578275, 0.40821073))
    assert m.text.kind == "clip" and m.text.dynamic_length and m.text.context_length == 77
    assert m.text.pad_id == 0 and m.text.clean == "lower"
    assert m.text.tokenizer_source == "open_clip-bpe" and not m.text.tokenizer_random
    assert m.text.tokenizer_check["mismatches"] == 0 and m.text.tokenizer_check["strings"] >= 20
    assert len(m.weights_sha256) == 64
    for tower in ("image", "text"):
        t = m.towers[tower]
        assert set(t.files) == {"fp32", "int8"}
        assert t.default_precision in ("fp32", "int8") and t.decision
        assert t.sizes["int8"] < t.sizes["fp32"]
        assert t.verify["min_cosine"] >= 0.9999 and t.verify["max_abs_diff"] < 1e-3
        assert 0 < t.agreement["centred_cosine"] <= 1 and 0 <= t.agreement["topk_overlap"] <= 1
        assert t.speed["fp32_ms"] > 0 and t.speed["int8_ms"] > 0
        for f in t.files.values():
            assert (tiny_model.path / f).is_file()
            # Weights sit in a side file that ONNX Runtime memory-maps.
            side = tiny_model.path / (f + ".data")
            assert side.is_file() and side.stat().st_size > 0
    assert m.towers["text"].verify["onnx_input"] == "real length"
    # A real-length query is much shorter than the padded context.
    assert m.towers["text"].speed["query_tokens"] < 20


_WEIGHTS = textwrap.dedent(
    """
    import hashlib, sys
    from pathlib import Path
    import numpy as np, torch
    torch.set_num_threads(1)
    from photoalbum.core.models.registry import resolve_spec
    from photoalbum.prepare.export import build_model, open_clip_tokenize
    b = build_model(resolve_spec(sys.argv[1]), Path(sys.argv[2]))
    with torch.no_grad():
        t = b.model.encode_text(torch.from_numpy(open_clip_tokenize(b, ["a dog", "北京的雪"])))
        px = torch.linspace(-2, 2, 2 * 3 * 64 * 64).reshape(2, 3, 64, 64)
        i = b.model.encode_image(px)
    vec = hashlib.sha256(t.numpy().tobytes() + i.numpy().tobytes()).hexdigest()
    print(b.weights_sha256(), vec)
    """
)


def test_random_weights_identical_across_processes(
    tiny_model: PreparedModel, tmp_path: Path
) -> None:
    """A fresh process builds byte-identical weights and vectors: equal to this process's build
    and to the weights the session fixture prepared (and exported) in this process."""
    from photoalbum.prepare.export import build_model, open_clip_tokenize

    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    res = subprocess.run(
        [sys.executable, "-c", _WEIGHTS, "random:tiny-clip", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    weights, vectors = res.stdout.split()
    assert weights == tiny_model.manifest.weights_sha256

    built = build_model(resolve_spec("random:tiny-clip"), tmp_path)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            t = built.model.encode_text(
                torch.from_numpy(open_clip_tokenize(built, ["a dog", "北京的雪"]))
            )
            px = torch.linspace(-2, 2, 2 * 3 * 64 * 64).reshape(2, 3, 64, 64)
            i = built.model.encode_image(px)
    finally:
        torch.set_num_threads(threads)
    assert built.weights_sha256() == weights
    assert hashlib.sha256(t.numpy().tobytes() + i.numpy().tobytes()).hexdigest() == vectors


def test_onnx_vectors_are_reproducible(tiny_model: PreparedModel) -> None:
    """The same prepared model gives byte-identical vectors in a fresh encoder (1 thread)."""
    texts = ["a dog", "一只狗", "🎂"]
    pixels = np.linspace(-2, 2, 3 * 3 * 64 * 64, dtype=np.float32).reshape(3, 3, 64, 64)

    def digest() -> str:
        enc = ClipEncoder(tiny_model, precision="fp32", threads=1)
        return hashlib.sha256(
            enc.encode_texts(texts).tobytes() + enc.encode_images(pixels).tobytes()
        ).hexdigest()

    assert digest() == digest()


@pytest.mark.slow
def test_tiny_xlmr_end_to_end(tmp_path: Path) -> None:
    from tests.support.model_fixtures import prepare_tiny

    store = prepare_tiny(tmp_path, "random:tiny-xlmr")
    model = store.get(resolve_spec("random:tiny-xlmr"))
    assert model is not None
    m = model.manifest
    assert m.text.kind == "hf" and m.text.pad_id == 1 and m.text.clean == "whitespace"
    assert m.text.tokenizer_random and m.text.tokenizer_source == "trained-tiny"
    assert m.towers["text"].verify["min_cosine"] >= 0.9999  # real length vs torch padded
    enc = ClipEncoder(model, precision="fp32", threads=1)
    texts = ["一只在海滩上的狗", "a dog on the beach", "北京的雪景，夜晚。"]
    vecs = enc.encode_texts(texts)
    assert vecs.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # Masked mean pooling: padding a short query to a long batch changes nothing.
    alone = enc.encode_texts([texts[0]])[0]
    padded = enc.encode_texts([texts[0], "a much longer query " * 6])[0]
    np.testing.assert_allclose(alone, padded, atol=1e-5)
    assert ClipEncoder(model, precision="int8", threads=1).encode_texts(texts).shape == (3, 32)


@pytest.mark.parametrize("name", ["ViT-B-32-datacomp", "xlm-roberta-base-ViT-B-32"])
def test_pretrained_offline_is_actionable(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub.constants

    from photoalbum.prepare import prepare_model

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(OfflineError) as exc:
        store.ensure(resolve_spec(name), prepare_model)
    msg = str(exc.value)
    assert "huggingface.co" in msg
    if name == "ViT-B-32-datacomp":
        assert "checkpoint" in msg and "ONNX" in msg
    assert store.get(resolve_spec(name)) is None
    assert [p for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")] == []


def test_unknown_arch(tmp_path: Path) -> None:
    from photoalbum.prepare import prepare_model

    with pytest.raises(UserError, match="no-such-arch"):
        prepare_model(resolve_spec("random:no-such-arch"), tmp_path / "out", tmp_path)


def test_build_from_local_checkpoint(tmp_path: Path) -> None:
    from photoalbum.prepare.export import build_model

    spec = resolve_spec("random:tiny-clip")
    seeded = build_model(spec, tmp_path)
    state = {k: v + 0.01 for k, v in seeded.model.state_dict().items()}
    ckpt = tmp_path / "ckpt.pt"
    torch.save(state, ckpt)
    loaded = build_model(spec, tmp_path, checkpoint=ckpt)
    assert loaded.weights_sha256() != seeded.weights_sha256()
    key = "visual.conv1.weight"
    assert torch.equal(loaded.model.state_dict()[key], state[key])
    torch.save({"not": torch.zeros(1)}, tmp_path / "bad.pt")
    from photoalbum.core.errors import ModelNotAvailableError

    with pytest.raises(ModelNotAvailableError, match="does not fit"):
        build_model(spec, tmp_path, checkpoint=tmp_path / "bad.pt")
