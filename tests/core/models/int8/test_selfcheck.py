"""The INT8 self-check on the user's own photos, at the first indexing."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.models.int8 import selfcheck
from photoalbum.core.models.manifest import Manifest
from photoalbum.core.models.store import PreparedModel
from photoalbum.library import Library
from tests.support.model_fixtures import TINY_SPEC
from tests.support.photos import SAMPLES, sample_image
from tests.support.readymade import load_tower


def _photos(folder: Path, n: int) -> list[Path]:
    """n distinct JPEGs: crops of scikit-image's sample photos."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        img = sample_image(SAMPLES[i % len(SAMPLES)])
        w, h = img.size
        x, y = int(rng.integers(0, w // 3)), int(rng.integers(0, h // 3))
        img = img.crop((x, y, x + 2 * w // 3, y + 2 * h // 3))
        path = folder / f"p{i:03d}.jpg"
        img.save(path, quality=85)
        out.append(path)
    return out


def _with_int8(model: PreparedModel, dest: Path, int8_source: Path) -> PreparedModel:
    """A copy of model whose image tower's INT8 file is int8_source, with no check recorded."""
    shutil.copytree(model.path, dest)
    shutil.copyfile(int8_source, dest / "image.int8.onnx")
    m = Manifest.load(dest)
    m.towers["image"].files["int8"] = "image.int8.onnx"
    m.towers["image"].default_precision = "fp32"
    m.self_check = {}
    m.save(dest)
    return PreparedModel.open(dest)


def _perturbed(model: PreparedModel, dest: Path, scale: float) -> Path:
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    m = load_tower(model.tower_file("image", "fp32"))
    rng = np.random.default_rng(1)
    for init in m.graph.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype == np.float32 and arr.ndim == 2:
            noisy = arr + rng.normal(scale=scale * (arr.std() + 1e-6), size=arr.shape)
            init.CopyFrom(numpy_helper.from_array(noisy.astype(np.float32), init.name))
    onnx.save(m, str(dest))
    return dest


def test_identical_int8_passes_and_a_damaged_one_is_refused(tiny_model, tmp_path):
    photos = [str(p) for p in _photos(tmp_path / "photos", 24)]
    same = _with_int8(tiny_model, tmp_path / "same", tiny_model.tower_file("image", "fp32"))
    ok = selfcheck.run_check(same, photos, threads=1)
    assert ok is not None and ok["photos"] == 24
    assert ok["centred_cosine"] > 0.9999 and ok["topk_overlap"] == 1.0 and ok["faithful"]
    # An "INT8" tower that is really a different network must not be kept.
    bad_file = _perturbed(tiny_model, tmp_path / "bad.onnx", scale=1.0)
    bad = _with_int8(tiny_model, tmp_path / "bad", bad_file)
    res = selfcheck.run_check(bad, photos, threads=1)
    assert res is not None and not res["faithful"] and res["precision"] == "fp32"
    assert res["centred_cosine"] < selfcheck_threshold()
    recorded = selfcheck.record(bad, res)
    assert recorded.manifest.towers["image"].default_precision == "fp32"
    assert recorded.manifest.self_check["centred_cosine"] == res["centred_cosine"]


def selfcheck_threshold() -> float:
    from photoalbum.core.models.int8 import acceptance

    return acceptance.MIN_CENTRED_COSINE


def test_too_few_photos_waits_and_records_nothing(tiny_model, tmp_path):
    photos = [str(p) for p in _photos(tmp_path / "photos", selfcheck.MIN_PHOTOS - 1)]
    model = _with_int8(tiny_model, tmp_path / "m", tiny_model.tower_file("image", "int8"))
    assert selfcheck.run_check(model, photos, threads=1) is None
    assert selfcheck.needs_check(model)


def test_copies_of_a_photo_count_once(tiny_model, tmp_path):
    photos = _photos(tmp_path / "photos", selfcheck.MIN_PHOTOS - 1)
    copies = []
    for i, p in enumerate(photos * 3):  # hard links and byte copies: the same pictures again
        link = tmp_path / "photos" / f"copy{i:03d}.jpg"
        if i % 2:
            link.hardlink_to(p)
        else:
            shutil.copyfile(p, link)
        copies.append(str(link))
    model = _with_int8(tiny_model, tmp_path / "m", tiny_model.tower_file("image", "fp32"))
    assert selfcheck.run_check(model, [str(p) for p in photos] + copies, threads=1) is None
    # _photos is deterministic: "more" repeats the same 15 pictures and adds two new ones
    more = [str(p) for p in _photos(tmp_path / "more", selfcheck.MIN_PHOTOS + 1)]
    done = selfcheck.run_check(model, copies + more, threads=1)
    assert done is not None and done["photos"] == selfcheck.MIN_PHOTOS + 1


def test_first_index_runs_the_check_once_and_records_it(tiny_paths, tmp_path):
    _photos(tmp_path / "photos", 20)
    (tmp_path / "photos" / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    model_dir = tiny_paths.models / Path(TINY_SPEC.replace(":", "_"))
    m = Manifest.load(model_dir)
    m.self_check = {}
    m.save(model_dir)
    stages = []
    lib = Library(tiny_paths, model=TINY_SPEC)
    try:
        lib.index([str(tmp_path / "photos")], on_progress=lambda p: stages.append(p.stage))
        assert "int8-check" in stages and stages.index("int8-check") < stages.index("encode")
        check = Manifest.load(model_dir).self_check
        assert check["photos"] == 20 and check["min_photos"] == selfcheck.MIN_PHOTOS
        assert check["precision"] == Manifest.load(model_dir).towers["image"].default_precision
        assert lib.encoder().tower_precision("image") == check["precision"]
        stages.clear()
        lib.index()
        assert "int8-check" not in stages  # once per model
    finally:
        lib.close()


def test_a_photo_the_check_died_decoding_is_skipped_then_recorded_failed(
    tiny_paths, tmp_path, monkeypatch
):
    import json

    from photoalbum.core import imaging
    from photoalbum.core.decode_journal import crash_reason, decoder_versions

    photos = _photos(tmp_path / "photos", 20)
    model_dir = tiny_paths.models / Path(TINY_SPEC.replace(":", "_"))
    m = Manifest.load(model_dir)
    m.self_check = {}
    m.save(model_dir)
    hostile = str(photos[0])
    # a native decoder killed the process on this photo decoded alone, twice (the check's own
    # decodes are lone ones; after the first death the next run tried it alone again)
    tiny_paths.library.mkdir(parents=True, exist_ok=True)
    tiny_paths.decode_journal.write_text(
        json.dumps(["suspect", hostile, 1]) + "\n" + json.dumps(["alone", hostile]) + "\n",
        encoding="utf-8",
    )
    decoded: list[str] = []
    real = imaging.decode_photo

    def spy(path, *args, **kwargs):  # the check and the indexer both decode through it
        decoded.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(imaging, "decode_photo", spy)
    monkeypatch.setattr("photoalbum.core.indexer.decode_photo", spy)
    lib = Library(tiny_paths, model=TINY_SPEC)
    try:
        report = lib.index([str(tmp_path / "photos")])
        assert hostile not in decoded  # neither the check nor the indexer opened it again
        assert Manifest.load(model_dir).self_check["photos"] == 19  # the other photos
        assert (
            report.failures == [(hostile, crash_reason(decoder_versions()))]
            and report.indexed == 19
        )
        assert not tiny_paths.decode_journal.exists()
    finally:
        lib.close()


def test_summary_line(tiny_model):
    m = Manifest.from_dict(tiny_model.manifest.to_dict())
    m.self_check = {}
    assert "not run yet" in selfcheck.summary(m)
    m.self_check = {
        "photos": 64,
        "centred_cosine": 0.9991,
        "topk_overlap": 0.97,
        "k": 5,
        "precision": "int8",
    }
    assert "64 of your photos" in selfcheck.summary(m) and "int8" in selfcheck.summary(m)


def test_a_cancelled_check_records_nothing(tiny_model, tmp_path):
    photos = [str(p) for p in _photos(tmp_path / "photos", 20)]
    model = _with_int8(tiny_model, tmp_path / "m", tiny_model.tower_file("image", "int8"))
    waits = []
    res = selfcheck.run_check(
        model,
        photos,
        threads=1,
        should_stop=lambda: len(waits) > 3,
        wait_if_paused=lambda: waits.append(1),
    )
    assert res is None and len(waits) == 4 and selfcheck.needs_check(model)
