"""SceneIndex: full and incremental updates, stable ids, covers, persistence, bad state."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.paths import Paths
from photoalbum.core.scenes.clustering import ClusterParams, adjusted_rand_index, unit_rows
from photoalbum.core.scenes.naming import FALLBACK_EN, SceneNamer, VocabEntry, Vocabulary
from photoalbum.core.scenes.scene_index import STATE_FILE, Scene, SceneIndex
from tests.core.scenes.helpers import WordHashTextEncoder
from tests.core.scenes.planted import planted_clusters


@pytest.fixture
def state_dir(paths: Paths) -> Path:
    return paths.library / "scenes"


def _library(
    n: int = 2400, seed: int = 0, dim: int = 512
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, truth = planted_clusters(n=n, n_clusters=12, dim=dim, seed=seed)
    ids = np.arange(1000, 1000 + 3 * n, 3)  # sparse ids, like a catalog after deletions
    return ids, x, truth


def _labels(index: SceneIndex, ids: np.ndarray) -> np.ndarray:
    names = {s.id: k for k, s in enumerate(index.scenes())}
    return np.array([names.get(index.scene_of(int(i)) or "", -1) for i in ids])


def test_first_update_clusters_everything(state_dir: Path) -> None:
    ids, x, truth = _library()
    index = SceneIndex.load(state_dir)
    assert index.scenes() == []
    index.update(ids, x)
    assert index.last_run == "full"
    assert adjusted_rand_index(truth, _labels(index, ids)) >= 0.9
    scenes = index.scenes()
    assert [s.count for s in scenes] == sorted((s.count for s in scenes), reverse=True)
    assert all(s.name_en == FALLBACK_EN and s.confidence == 0 for s in scenes)
    clustered = {i for s in scenes for i in s.photo_ids}
    assert clustered.isdisjoint(index.unclustered_ids().tolist())
    assert len(clustered) + len(index.unclustered_ids()) == len(ids)


def test_cover_is_the_member_nearest_the_centroid(state_dir: Path) -> None:
    ids, x, _ = _library()
    index = SceneIndex(state_dir)
    index.update(ids, x)
    for scene in index.scenes()[:4]:
        rows = np.searchsorted(ids, scene.photo_ids)
        centre = unit_rows(x[rows].sum(axis=0, keepdims=True))[0]
        assert scene.cover_id == scene.photo_ids[int(np.argmax(x[rows] @ centre))]


def test_save_and_load_round_trip(state_dir: Path) -> None:
    ids, x, _ = _library()
    index = SceneIndex(state_dir)
    index.update(ids, x)
    index.save()
    index.save()  # a second save replaces the arrays file, never accumulates them
    assert len(list(state_dir.glob("scenes-*.npz"))) == 1
    assert not list(state_dir.glob(".tmp-*"))
    loaded = SceneIndex.load(state_dir)
    assert loaded.scenes() == index.scenes()
    assert loaded.threshold == index.threshold
    assert loaded.photo_scene_names() == index.photo_scene_names()
    loaded.update(ids, x)  # nothing changed: incremental, same scenes
    assert loaded.last_run == "incremental"
    assert loaded.scenes() == index.scenes()


def test_scene_ids_survive_a_recluster(state_dir: Path) -> None:
    all_ids, all_x, _ = _library(n=2640)
    ids, x = all_ids[:2400], all_x[:2400]
    index = SceneIndex(state_dir)
    index.update(ids, x)
    before = {s.id: set(s.photo_ids) for s in index.scenes()}
    # Same photos, different k-means seed: the groups are the same, so are the ids.
    index.params = ClusterParams(seed=11)
    index.update(ids, x, force_full=True)
    assert {s.id: set(s.photo_ids) for s in index.scenes()} == before
    # 10 % more photos and a forced recluster: groups grow a little, ids stay.
    index.update(all_ids, all_x, force_full=True)
    assert index.last_run == "full"
    after = {s.id: set(s.photo_ids) for s in index.scenes()}
    assert set(after) == set(before)
    for sid, members in before.items():
        assert members <= after[sid]
        assert len(members) / len(after[sid]) > 0.8


def test_new_ids_get_fresh_distinct_ids(state_dir: Path) -> None:
    ids, x, _ = _library()
    index = SceneIndex(state_dir)
    index.update(ids, x)
    sids = [s.id for s in index.scenes()]
    assert len(set(sids)) == len(sids) and all(s.startswith("sc-") for s in sids)
    other_ids, other_x, _ = _library(seed=9)  # a different library: nothing in common
    index.update(other_ids + 10**6, other_x, force_full=True)
    assert not {s.id for s in index.scenes()} & set(sids)


def test_incremental_assignment(state_dir: Path) -> None:
    ids, x, truth = _library(n=3000)
    old, new = slice(0, 2700), slice(2700, 3000)
    index = SceneIndex(state_dir)
    index.update(ids[old], x[old])
    before = {s.id: s.count for s in index.scenes()}
    index.update(ids, x)
    assert index.last_run == "incremental"
    assert {s.id for s in index.scenes()} == set(before)
    labels = _labels(index, ids)
    # Each scene corresponds to one planted group: new photos must join that group's scene.
    owner = {}
    for k in np.unique(truth[old][truth[old] >= 0]):
        got = labels[old][truth[old] == k]
        owner[k] = np.bincount(got[got >= 0]).argmax()
    new_truth, new_labels = truth[new], labels[new]
    members = new_truth >= 0
    placed = [new_labels[i] == owner[t] for i, t in enumerate(new_truth) if t >= 0]
    assert np.mean(placed) >= 0.95
    assert (new_labels[~members] < 0).mean() >= 0.95  # unique photos wait, unclustered
    grown = {s.id: s.count for s in index.scenes()}
    assert sum(grown.values()) - sum(before.values()) == int((new_labels >= 0).sum())


def test_removed_photos_drop_out(state_dir: Path) -> None:
    ids, x, _ = _library()
    index = SceneIndex(state_dir)
    index.update(ids, x)
    big, small = index.scenes()[0], index.scenes()[-1]
    gone = set(small.photo_ids) | {big.cover_id} | set(big.photo_ids[:5])
    keep = np.array([i not in gone for i in ids])
    index.update(ids[keep], x[keep])
    assert index.last_run == "incremental"
    scenes = {s.id: s for s in index.scenes()}
    assert small.id not in scenes  # emptied scenes disappear
    now = scenes[big.id]
    assert set(now.photo_ids) == set(big.photo_ids) - gone
    assert now.cover_id in now.photo_ids
    assert all(index.scene_of(i) is None for i in gone)


def test_large_change_triggers_a_full_run(state_dir: Path) -> None:
    ids, x, _ = _library(n=3000)
    index = SceneIndex(state_dir)
    index.update(ids[:2000], x[:2000])
    assert not index.needs_full(ids[:2000])
    assert not index.needs_full(ids[:2350])  # 17.5 % new
    assert index.needs_full(ids[:2500])  # 25 % new
    index.update(ids[:2300], x[:2300])
    assert index.last_run == "incremental"
    index.update(ids[:2500], x[:2500])  # 300 + 200 since the last full run > 20 %
    assert index.last_run == "full"
    assert index.full_size == 2500 and index.changed == 0


def test_model_or_dimension_change_triggers_a_full_run(state_dir: Path) -> None:
    ids, x, _ = _library()
    index = SceneIndex(state_dir)
    index.update(ids, x, model_key="m/1")
    assert index.needs_full(ids, model_key="m/2")
    index.update(ids, x, model_key="m/1")
    assert index.last_run == "incremental"
    index.update(ids, x, model_key="m/2")
    assert index.last_run == "full"
    _, x64, _ = _library(dim=64)
    index.update(ids, x64, model_key="m/2")
    assert index.last_run == "full" and index.dim == 64


def test_bad_input_rows_are_ignored(state_dir: Path) -> None:
    ids, x, _ = _library()
    x = x.copy()
    x[5] = np.nan
    x[6] = 0.0
    dup_ids = np.concatenate([ids, ids[:3]])
    dup_x = np.concatenate([x, x[:3]])
    index = SceneIndex(state_dir)
    index.update(dup_ids, dup_x)
    assert index.scene_of(int(ids[5])) is None and index.scene_of(int(ids[6])) is None
    assert int(ids[5]) not in index.unclustered_ids()
    index.update(np.zeros(0, int), np.zeros((0, 512)))  # the whole library removed
    assert index.scenes() == []
    with pytest.raises(ValueError):
        index.update(ids, x[:10])


@pytest.mark.parametrize(
    "damage",
    ["garbage_json", "missing_npz", "wrong_counts", "newer_version", "path_in_name"],
)
def test_corrupt_state_loads_empty(state_dir: Path, damage: str) -> None:
    ids, x, _ = _library(n=600)
    index = SceneIndex(state_dir)
    index.update(ids, x)
    index.save()
    meta_path = state_dir / STATE_FILE
    meta = json.loads(meta_path.read_text())
    npz = state_dir / meta["arrays"]
    if damage == "garbage_json":
        meta_path.write_text("{nope")
    elif damage == "missing_npz":
        npz.unlink()
    elif damage == "wrong_counts":
        meta["scenes"] = meta["scenes"][:-1]
        meta_path.write_text(json.dumps(meta))
    elif damage == "newer_version":
        meta["version"] = 99
        meta_path.write_text(json.dumps(meta))
    else:
        meta["arrays"] = "../" + meta["arrays"]
        meta_path.write_text(json.dumps(meta))
    loaded = SceneIndex.load(state_dir)
    assert loaded.scenes() == []
    loaded.update(ids, x)  # and it recovers by reclustering
    assert loaded.last_run == "full" and loaded.scenes()


def test_missing_dir_loads_empty_and_save_creates_it(tmp_path: Path) -> None:
    index = SceneIndex.load(tmp_path / "no" / "such")
    assert index.scenes() == []
    index.save()
    assert (tmp_path / "no" / "such" / STATE_FILE).is_file()


def test_naming_through_the_index(state_dir: Path) -> None:
    ids, x, truth = _library(dim=64)
    encoder = WordHashTextEncoder(dim=64)
    words = ["beach", "cat", "dog", "cake", "forest", "street", "mountain", "receipt", "food"]
    vocab = Vocabulary(
        tuple(VocabEntry(w, w.title(), f"词{i}", f"a {w}") for i, w in enumerate(words))
    )
    namer = SceneNamer(encoder, vocab, cache_dir=state_dir)
    beach = namer.embeddings()[0]
    # Move one planted scene's photos towards "a beach" so its centroid names it.
    x = x.copy()
    x[truth == 0] = unit_rows(x[truth == 0] + 3 * beach)
    index = SceneIndex(state_dir)
    index.update(ids, x, namer)
    scenes = index.scenes()
    planted = next(s for s in scenes if set(s.photo_ids) == set(ids[truth == 0].tolist()))
    assert (planted.name_en, planted.name_zh) == ("Beach", "词0")
    assert planted.confidence > 0.5
    for s in scenes:  # every scene carries the namer's verdict on its own centroid
        rows = np.searchsorted(ids, s.photo_ids)
        en, zh, conf = namer.name(x[rows].sum(axis=0))
        assert (s.name_en, s.name_zh) == (en, zh)
        assert s.confidence == pytest.approx(conf, abs=1e-6)
    assert encoder.calls  # vocabulary embedded once, then cached in the state dir
    assert namer.cache_path is not None and namer.cache_path.is_file()
    # Without a namer, names are kept through an incremental update and a reload.
    index.save()
    again = SceneIndex.load(state_dir)
    again.update(ids[:-10], x[:-10])
    assert again.last_run == "incremental"
    assert [s.name_en for s in again.scenes() if s.id == planted.id] == ["Beach"]
    assert again.photo_scene_names()[int(ids[truth == 0][0])] == ("Beach", "词0")


def test_scene_dataclass_is_plain_data() -> None:
    s = Scene("sc-1", "Beach", "海滩", 0.9, 4, (4, 5))
    assert s.count == 2
    with pytest.raises(AttributeError):
        s.name_en = "x"  # type: ignore[misc]
