"""Tests for the agreement measures and the INT8-or-fp32 decision."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.errors import BugError
from photoalbum.core.models.int8.acceptance import agreement, decide, time_ms, verify


def _clustered(n: int = 40, dim: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, dim))
    # A large shared offset, like CLIP embeddings: raw cosines all high.
    return 10 + centres[np.arange(n) % 4] + 0.3 * rng.normal(size=(n, dim))


def test_identical_outputs_agree_fully() -> None:
    x = _clustered()
    a = agreement(x, x.copy())
    assert a["centred_cosine"] == pytest.approx(1.0)
    assert a["topk_overlap"] == 1.0
    assert a["k"] == 5 and a["n"] == 40


def test_noise_lowers_agreement_and_centring_exposes_it() -> None:
    x = _clustered()
    rng = np.random.default_rng(1)
    noisy = x + 0.5 * rng.normal(size=x.shape)
    a = agreement(x, noisy)
    assert a["centred_cosine"] < 0.9
    assert a["topk_overlap"] < 1.0
    raw = np.sum(x * noisy, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(noisy, axis=1))
    assert raw.mean() > 0.99  # the uncentred cosine would have hidden it


def test_agreement_rejects_bad_samples() -> None:
    with pytest.raises(BugError):
        agreement(np.zeros((1, 4)), np.zeros((1, 4)))
    with pytest.raises(BugError):
        agreement(np.zeros((3, 4)), np.zeros((4, 4)))


def test_verify_figures() -> None:
    x = _clustered()
    v = verify(x, x + 1e-4)
    assert v["max_abs_diff"] == pytest.approx(1e-4, rel=1e-3)
    assert v["min_cosine"] > 0.99999
    assert verify(x, -x)["min_cosine"] == pytest.approx(-1.0)


GOOD = {"centred_cosine": 0.999, "topk_overlap": 0.98, "k": 5, "n": 32}
BAD = {"centred_cosine": 0.95, "topk_overlap": 0.7, "k": 5, "n": 32}


@pytest.mark.parametrize(
    ("fp32_ms", "int8_ms", "agree", "expected"),
    [
        (50.0, 20.0, GOOD, "int8"),  # faster and faithful
        (50.0, 20.0, BAD, "fp32"),  # faster but loses the ranking
        (50.0, 48.0, GOOD, "fp32"),  # faithful but hardly faster
        (20.0, 200.0, GOOD, "fp32"),  # slower (convolutional towers)
        (0.3, 0.1, GOOD, "fp32"),  # 3x, but saves 0.2 ms: noise on a tiny tower
    ],
)
def test_decide(fp32_ms: float, int8_ms: float, agree: dict[str, float], expected: str) -> None:
    d = decide("image", fp32_ms, int8_ms, agree, {"batch": 16})
    assert d.precision == expected
    assert d.reason.startswith(expected)
    assert d.speed["batch"] == 16
    assert d.speed["int8_speedup"] == pytest.approx(fp32_ms / int8_ms, rel=1e-2)


def test_time_ms_median_per_item() -> None:
    calls = []
    ms = time_ms(lambda: calls.append(1), repeats=5, per=10)
    assert len(calls) == 6  # one warm-up
    assert 0 <= ms < 1
