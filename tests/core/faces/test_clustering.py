"""Tests for face clustering: neighbour graph, Chinese whispers vs components, nearest."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.core.faces import clustering
from photoalbum.core.faces.clustering import cluster, nearest, neighbour_graph


def people(n_people: int, per: int, spread: float = 0.12, seed: int = 0):
    """Synthetic descriptors: people ~0.9+ apart, each face within ~``spread`` of its centre."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_people, 128)).astype(np.float32)
    centres *= 0.9 / np.sqrt(2) / np.linalg.norm(centres, axis=1, keepdims=True) * 1.6
    truth = np.repeat(np.arange(n_people), per)
    noise = rng.normal(size=(len(truth), 128)).astype(np.float32)
    noise *= spread / np.linalg.norm(noise, axis=1, keepdims=True)
    return centres[truth] + noise, truth


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True)}
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("method", ["chinese_whispers", "components"])
def test_groups_people_apart(method):
    x, truth = people(12, 7)
    labels = cluster(x, method=method)
    assert same_partition(labels, truth)
    assert np.bincount(labels)[0] == 7  # biggest group first


def test_exact_and_hnsw_graphs_agree(monkeypatch):
    x, truth = people(40, 5, seed=1)
    exact = set(zip(*[a.tolist() for a in neighbour_graph(x)[:2]], strict=True))
    monkeypatch.setattr(clustering, "EXACT_LIMIT", 10)
    approx = set(zip(*[a.tolist() for a in neighbour_graph(x)[:2]], strict=True))
    assert len(exact & approx) >= 0.97 * len(exact)
    assert same_partition(cluster(x), truth)


def test_one_bridge_merges_components_but_not_whispers():
    x, truth = people(2, 20, spread=0.1, seed=2)
    # a face half-way between the two people links both (distance < threshold to each)
    bridge = (x[:20].mean(axis=0) + x[20:].mean(axis=0)) / 2
    xs = np.vstack([x, bridge[None]])
    comp = cluster(xs, method="components", threshold=0.75)
    cw = cluster(xs, method="chinese_whispers", threshold=0.75)
    assert len(set(comp[:40].tolist())) == 1  # chained through the bridge
    assert len(set(cw[:40].tolist())) == 2


def test_lone_faces_and_empty_input():
    assert cluster(np.zeros((0, 128), np.float32)).shape == (0,)
    x, _ = people(3, 1)
    assert sorted(cluster(x).tolist()) == [0, 1, 2]


def test_nearest_is_exact():
    x, _ = people(5, 4, seed=3)
    idx, dist = nearest(x[:3], x, k=2)
    assert idx[:, 0].tolist() == [0, 1, 2] and np.allclose(dist[:, 0], 0, atol=1e-3)
    brute = np.linalg.norm(x[:3, None] - x[None], axis=2)
    assert np.allclose(dist[:, 1], np.sort(brute, axis=1)[:, 1], atol=1e-4)
