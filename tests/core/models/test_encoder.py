"""Tests for the ONNX Runtime encoder on the tiny random model."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoalbum.core.errors import ModelNotAvailableError, UserError
from photoalbum.core.models.encoder import ClipEncoder
from photoalbum.core.models.registry import ModelSpec, resolve_spec
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.core.models.tokenizer import TokenizerCache
from photoalbum.core.paths import Paths
from tests.support.model_fixtures import link_model

ROOT = Path(__file__).resolve().parents[3]


def _photos() -> list[Image.Image]:
    rng = np.random.default_rng(1)
    out = []
    for w, h in [(120, 90), (90, 120), (64, 64), (300, 40), (33, 200)]:
        out.append(Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB"))
    return out


@pytest.fixture(scope="module")
def encoder(tiny_model: PreparedModel) -> ClipEncoder:
    return ClipEncoder(tiny_model, precision="fp32", threads=1)


def tiny_model_spec(model: PreparedModel) -> ModelSpec:
    return resolve_spec(model.name)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_attributes(encoder: ClipEncoder, tiny_model: PreparedModel) -> None:
    assert encoder.model_key == "random:tiny-clip" == tiny_model.model_key
    assert encoder.dim == 32 and encoder.input_size == 64


def test_encode_images_shape_and_norm(encoder: ClipEncoder) -> None:
    batch = np.stack([encoder.preprocess(im) for im in _photos()])
    assert batch.shape == (5, 3, 64, 64) and batch.dtype == np.float32
    vecs = encoder.encode_images(batch)
    assert vecs.shape == (5, 32) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # Different photos give different vectors; a batch equals one-by-one.
    assert np.linalg.norm(vecs[0] - vecs[1]) > 1e-3
    single = encoder.encode_images(batch[2:3])
    np.testing.assert_allclose(single[0], vecs[2], atol=1e-5)


def test_encode_texts_shape_and_norm(encoder: ClipEncoder) -> None:
    vecs = encoder.encode_texts(["a dog", "一只在海滩上的狗", "🎂", "", "x" * 500])
    assert vecs.shape == (5, 32) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.linalg.norm(vecs[0] - vecs[1]) > 1e-3
    assert encoder.encode_texts("a dog").shape == (1, 32)


def test_empty_inputs(encoder: ClipEncoder) -> None:
    assert encoder.encode_texts([]).shape == (0, 32)
    assert encoder.encode_images(np.zeros((0, 3, 64, 64), np.float32)).shape == (0, 32)


@pytest.mark.parametrize("shape", [(3, 64, 64), (1, 3, 32, 32), (2, 1, 64, 64)])
def test_bad_image_batch(encoder: ClipEncoder, shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        encoder.encode_images(np.zeros(shape, np.float32))


def test_dynamic_length_equals_padded(encoder: ClipEncoder) -> None:
    """A query alone (run at its real length) and in a batch padded to a longer one agree."""
    short = "a dog"
    alone = encoder.encode_texts([short])[0]
    longer = "a very long query " * 8
    padded = encoder.encode_texts([short, longer])[0]
    np.testing.assert_allclose(alone, padded, atol=1e-5)
    ids, _ = encoder.tokenizer().encode([short])
    assert ids.shape[1] < encoder.model.manifest.text.context_length


def test_order_is_kept_across_batches(
    encoder: ClipEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import photoalbum.core.models.encoder as enc_mod

    texts = [f"photo number {i} " + "word " * (i % 7) for i in range(23)]
    whole = encoder.encode_texts(texts)
    monkeypatch.setattr(enc_mod, "TEXT_BATCH", 4)
    np.testing.assert_allclose(encoder.encode_texts(texts), whole, atol=1e-5)
    one_by_one = np.concatenate([encoder.encode_texts([t]) for t in texts])
    np.testing.assert_allclose(one_by_one, whole, atol=1e-5)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P", "CMYK", "I;16", "1"])
def test_preprocess_any_mode(encoder: ClipEncoder, mode: str) -> None:
    img = Image.new("RGB", (80, 50), (200, 30, 40)).convert(mode)
    arr = encoder.preprocess(img)
    assert arr.shape == (3, 64, 64) and arr.dtype == np.float32
    assert np.isfinite(arr).all()


@pytest.mark.parametrize("size", [(1, 1), (1, 5000), (5000, 2), (64, 64), (65, 64)])
def test_preprocess_odd_sizes(encoder: ClipEncoder, size: tuple[int, int]) -> None:
    arr = encoder.preprocess(Image.new("RGB", size, (10, 20, 30)))
    assert arr.shape == (3, 64, 64)
    assert np.isfinite(arr).all()


def test_preprocess_normalises_in_place_bit_for_bit(encoder: ClipEncoder) -> None:
    img = _photos()[0].resize((64, 64))  # already the input size: no resize, no crop
    arr = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) * (1.0 / 255.0)
    cfg = encoder.model.manifest.image
    mean = np.asarray(cfg.mean, dtype=np.float32).reshape(3, 1, 1)
    inv_std = (1.0 / np.asarray(cfg.std, dtype=np.float32)).reshape(3, 1, 1)
    ours = encoder.preprocess(img)
    assert ours.flags.c_contiguous and ours.dtype == np.float32
    assert np.array_equal(ours, (arr - mean) * inv_std)  # the vectors indexed so far


def test_preprocess_matches_open_clip(encoder: ClipEncoder) -> None:
    pytest.importorskip("torch")
    open_clip = pytest.importorskip("open_clip")
    cfg = encoder.model.manifest.image
    transform = open_clip.image_transform(
        cfg.input_size,
        is_train=False,
        mean=cfg.mean,
        std=cfg.std,
        resize_mode=cfg.resize_mode,
        interpolation=cfg.interpolation,
    )
    rng = np.random.default_rng(7)
    for w, h in [(120, 90), (90, 121), (64, 64), (64, 200), (500, 63), (31, 17), (640, 480)]:
        img = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")
        ours = encoder.preprocess(img)
        ref = transform(img).numpy()
        np.testing.assert_allclose(ours, ref, atol=1e-5, err_msg=str((w, h)))
    # Extreme strips take the bounded-memory path: close, not bit-exact.
    for w, h in [(2000, 40), (30, 900)]:
        img = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")
        diff = np.abs(encoder.preprocess(img) - transform(img).numpy())
        assert diff.mean() < 0.05 and diff.max() < 0.5, (w, h)


def test_agrees_with_torch(encoder: ClipEncoder, tiny_model: PreparedModel) -> None:
    """ONNX (real-length queries, our tokenizer) vs open_clip torch (its tokenizer, padded)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("open_clip")
    from photoalbum.prepare.export import build_model, open_clip_tokenize

    built = build_model(resolve_spec("random:tiny-clip"), tiny_model.path)
    texts = ["a dog on the beach", "北京的雪景，夜晚。", "Birthday cake 🎂 & candles!"]
    with torch.no_grad():
        ref_t = built.model.encode_text(torch.from_numpy(open_clip_tokenize(built, texts)))
        pixels = np.stack([encoder.preprocess(im) for im in _photos()])
        ref_i = built.model.encode_image(torch.from_numpy(pixels))
    cos_t = np.sum(_unit(ref_t.numpy()) * encoder.encode_texts(texts), axis=1)
    cos_i = np.sum(_unit(ref_i.numpy()) * encoder.encode_images(pixels), axis=1)
    assert cos_t.min() > 0.9999 and cos_i.min() > 0.9999


def test_precisions(tiny_model: PreparedModel) -> None:
    texts = ["a dog", "a cat", "一只狗"]
    fp32 = ClipEncoder(tiny_model, precision="fp32", threads=1)
    int8 = ClipEncoder(tiny_model, precision="int8", threads=1)
    auto = ClipEncoder(tiny_model, threads=1)
    assert auto.tower_precision("text") == tiny_model.manifest.towers["text"].default_precision
    a, b = fp32.encode_texts(texts), int8.encode_texts(texts)
    assert b.shape == a.shape
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert not np.array_equal(a, b)  # really the other file
    assert np.sum(a * b, axis=1).min() > 0.5
    with pytest.raises(UserError):
        ClipEncoder(tiny_model, precision="fp16")
    with pytest.raises(UserError):
        ClipEncoder(tiny_model, threads=0)


def test_arena_setting_gives_the_same_vectors(tiny_model: PreparedModel) -> None:
    x = np.linspace(-1, 1, 2 * 3 * 64 * 64, dtype=np.float32).reshape(2, 3, 64, 64)
    default = ClipEncoder(tiny_model, precision="fp32", threads=1)
    assert not default._arena("image") and default._arena("text")
    forced = ClipEncoder(tiny_model, precision="fp32", threads=1, arena=True)
    assert forced._arena("image")
    np.testing.assert_allclose(default.encode_images(x), forced.encode_images(x), atol=1e-6)


def test_lazy_sessions_and_release(tiny_model: PreparedModel) -> None:
    enc = ClipEncoder(tiny_model, threads=1)
    assert enc.loaded_towers() == []
    enc.encode_texts(["a dog"])
    assert enc.loaded_towers() == ["text"]
    enc.encode_images(np.zeros((1, 3, 64, 64), np.float32))
    assert enc.loaded_towers() == ["image", "text"]
    enc.release("text")
    assert enc.loaded_towers() == ["image"]
    assert enc.encode_texts(["a dog"]).shape == (1, 32)  # reloaded on demand
    with pytest.raises(ValueError):
        enc.release("audio")


def test_damaged_tower_is_actionable(tiny_model: PreparedModel, paths: Paths) -> None:
    copy = link_model(tiny_model, paths.models)
    target = copy / "text.fp32.onnx"
    target.unlink()  # never write through the hard link to the shared file
    target.write_bytes(b"not an onnx model")
    # get() would refuse it by its SHA-256 (tests/core/models/test_integrity.py): this is the
    # encoder's own message for a tower that does not load (a model with no checksums recorded)
    model = ModelStore(paths.models, paths.downloads).get(tiny_model_spec(tiny_model), verify=False)
    assert model is not None and model.path == copy
    enc = ClipEncoder(model, precision="fp32", threads=1)
    with pytest.raises(ModelNotAvailableError, match="prepare it again"):
        enc.encode_texts(["a dog"])
    assert enc.encode_images(np.zeros((1, 3, 64, 64), np.float32)).shape == (1, 32)


_NO_TORCH = textwrap.dedent(
    """
    import sys
    import numpy as np
    from pathlib import Path
    from PIL import Image
    from photoalbum.core.models.encoder import ClipEncoder
    from photoalbum.core.models.store import PreparedModel
    enc = ClipEncoder(PreparedModel.open(Path(sys.argv[1])), threads=1)
    v = enc.encode_images(np.stack([enc.preprocess(Image.new("RGB", (90, 70), "red"))]))
    t = enc.encode_texts(["a dog", "一只狗"])
    assert v.shape == (1, enc.dim) and t.shape == (2, enc.dim)
    heavy = sorted(m for m in ("torch", "open_clip", "transformers", "torchvision")
                   if m in sys.modules)
    print("HEAVY:" + ",".join(heavy))
    """
)


def test_encoding_does_not_import_torch(tiny_model: PreparedModel) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-c", _NO_TORCH, str(tiny_model.path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "HEAVY:", res.stdout


def test_encoders_share_a_tokenizer_cache(tiny_model: PreparedModel) -> None:
    cache = TokenizerCache()
    a = ClipEncoder(tiny_model, precision="fp32", threads=1, tokenizers=cache)
    b = ClipEncoder(tiny_model, precision="fp32", threads=1, tokenizers=cache)
    alone = ClipEncoder(tiny_model, precision="fp32", threads=1)
    assert a.tokenizer() is b.tokenizer()  # loaded once (loading holds the GIL)
    assert alone.tokenizer() is not a.tokenizer()
    np.testing.assert_allclose(a.encode_texts(["a dog"]), alone.encode_texts(["a dog"]), atol=1e-6)


def test_an_encoder_cache_shares_encoders_until_the_model_changes(
    tiny_model: PreparedModel, tmp_path: Path
) -> None:
    import shutil

    from photoalbum.core.models.encoder import EncoderCache
    from photoalbum.core.models.manifest import MANIFEST_NAME

    model = PreparedModel.open(Path(shutil.copytree(tiny_model.path, tmp_path / "m")))
    cache = EncoderCache()
    a = cache.get(model, "fp32", 1)
    assert cache.get(model, "fp32", 1) is a
    assert cache.get(model, "int8", 1) is not a
    assert a.tokenizer() is cache.get(model, "int8", 1).tokenizer()
    manifest = model.path / MANIFEST_NAME
    st = manifest.stat()
    os.utime(manifest, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # re-prepared / self-checked
    b = cache.get(PreparedModel.open(model.path), "fp32", 1)
    assert b is not a
    assert len(cache._encoders) == 1  # the model's older encoders are forgotten
