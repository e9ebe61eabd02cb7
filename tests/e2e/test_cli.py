"""End-to-end: the real CLI on a temp library with the tiny random model."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from photoalbum.cli import main
from tests.library.test_status import STATUS_KEYS
from tests.support.cli import MODEL
from tests.support.photos import SAMPLES, make_sample_photos, snapshot


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "My Photos"
    make_sample_photos(folder, SAMPLES[:8])
    odd = folder / "odd names"
    odd.mkdir()
    shutil.copy(folder / "coffee.jpg", odd / "雪地金毛犬.jpg")
    shutil.copy(folder / "chelsea.jpg", odd / "-leading dash.jpg")
    shutil.copy(folder / "page.jpg", odd / "new\nline.jpg")
    (odd / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    (odd / "empty.png").write_bytes(b"")
    return folder


def test_add_index_status_search_similar(cli, photos):
    before = snapshot(photos)
    rc, out, _ = cli("add", str(photos))
    assert rc == 0 and "added" in out
    rc, out, _ = cli("index", "--json")
    assert rc == 0
    report = json.loads(out)
    assert report["indexed"] == 11 and report["failed"] == 2
    assert {Path(f["path"]).name for f in report["failures"]} == {"broken.jpg", "empty.png"}

    rc, out, _ = cli("status", "--json", model=False)
    st = json.loads(out)
    assert (st["photos"], st["indexed"], st["failed"], st["gone"], st["vectors"]) == (
        13,
        11,
        2,
        0,
        11,
    )
    assert st["model_id"] and st["random_weights"] is True
    assert {f["reason"] for f in st["failures"]} and all(f["reason"] for f in st["failures"])

    # global options before the command, --json after it; -leash is a negative term
    rc, out, _ = cli("search", "dog", "+beach", "-leash", "-k", "5", "--all", "--json")
    assert rc == 0
    res = json.loads(out)
    assert res["query"] == "dog beach −leash" and len(res["results"]) == 5
    assert all(len(r["term_scores"]) == 3 for r in res["results"])

    # keyword match on a non-ASCII file name
    rc, out, _ = cli("search", "雪地金毛犬", "-k", "3", "--json")
    res = json.loads(out)
    top = {Path(r["path"]).name: r["keyword"] for r in res["results"]}
    assert top.get("雪地金毛犬.jpg") is True  # random weights: the file name carries it

    rc, out, _ = cli("similar", str(photos / "coffee.jpg"), "-k", "3", "--all", "--json")
    res = json.loads(out)
    paths = [r["path"] for r in res["results"]]
    assert str(photos / "coffee.jpg") not in paths  # the query photo itself is excluded
    assert paths[0].endswith("雪地金毛犬.jpg")  # its byte-identical copy comes first
    assert res["results"][0]["score"] > res["results"][-1]["score"]

    # filters
    rc, out, _ = cli("search", "cat", "--camera", "Cam B", "--all", "--json")
    assert all("Cam B" for _ in json.loads(out)["results"])
    rc, out, _ = cli("search", "cat", "--folder", str(photos / "odd names"), "--all", "--json")
    assert {Path(r["path"]).parent.name for r in json.loads(out)["results"]} == {"odd names"}

    assert snapshot(photos) == before  # no photo was written to


def test_human_output_and_errors(cli, photos):
    rc, _, err = cli("search", "dog")
    assert rc == 1 and "there is no library at" in err
    assert not cli.library.exists()  # a command that reads never makes a library
    cli("add", str(photos))
    rc, _, err = cli("search", "dog")
    assert rc == 1 and "nothing is indexed yet" in err
    rc, out, err = cli("index")
    assert rc == 0 and "indexed" in out and "broken.jpg" in out
    rc, out, _ = cli("search", "dog", "-k", "2", "--all")
    assert rc == 0 and len(out.strip().splitlines()) == 2
    rc, _, err = cli("search", "-leash")
    assert rc == 1 and "negative" in err
    rc, _, err = cli("add", "/definitely/not/here")
    assert rc == 1 and "not a folder" in err
    with pytest.raises(SystemExit) as e:
        cli("frobnicate")
    assert e.value.code == 2
    rc, _, err = cli("--model", "no-such-model", "status", model=False)
    assert rc == 1


def test_remove_single_photos_and_a_folder(cli, photos):
    before = snapshot(photos)
    cli("add", str(photos))
    cli("index")
    rc, out, _ = cli("status", "--json")
    total = json.loads(out)["photos"]
    rc, out, _ = cli("search", "a photo", "--all", "-k", "3", "--json")
    hit = json.loads(out)["results"][0]
    rc, out, _ = cli(
        "remove", "--photo", str(photos / "coffee.jpg"), f"photo:{hit['id']}", "nope.jpg", "--json"
    )
    gone = 1 if hit["path"] == str(photos / "coffee.jpg") else 2
    assert rc == 0 and json.loads(out) == {"removed_photos": gone, "not_in_library": ["nope.jpg"]}
    rc, out, _ = cli("index", "--json")
    assert rc == 0 and json.loads(out)["new"] == 0  # removed photos stay out
    rc, out, _ = cli("status", "--json")
    assert json.loads(out)["photos"] == total - gone
    rc, out, err = cli("remove", "--photo", "nope.jpg")
    assert rc == 1 and "not in the library: nope.jpg" in out
    rc, _, err = cli("remove")
    assert rc == 2 and "--photo" in err
    rc, out, _ = cli("remove", str(photos), "--json")  # the folder, as before
    assert rc == 0 and json.loads(out) == {"removed_photos": total - gone}
    assert snapshot(photos) == before


def test_model_list_and_info(cli):
    rc, out, _ = cli("model", "list", "--json", model=False)
    names = [m["name"] for m in json.loads(out)]
    assert "xlm-roberta-base-ViT-B-32" in names
    assert [m for m in json.loads(out) if m["default"]][0]["name"] == "xlm-roberta-base-ViT-B-32"
    rc, out, _ = cli("model", "info", "--json")
    assert rc == 0 and json.loads(out)


def _env(tiny_models_dir: Path, library: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PHOTOALBUM_HOME=str(library),
        PHOTOALBUM_MODELS=str(tiny_models_dir),
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    return env


@pytest.mark.slow
def test_kill_minus_9_mid_index_restarts_consistent(tmp_path, tiny_models_dir):
    folder = tmp_path / "many"
    for i in range(12):
        make_sample_photos(folder / f"d{i}", SAMPLES, size=200, year=2000 + i)
    total = 12 * len(SAMPLES)
    library = tmp_path / "lib"
    env = _env(tiny_models_dir, library)
    base = [sys.executable, "-m", "photoalbum", "--model", MODEL]
    subprocess.run(base + ["add", str(folder)], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        base + ["index", "--batch-size", "8"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # kill once some batches are committed (read the catalog directly: fast, read-only)
    deadline = time.time() + 120
    db = library / "catalog.sqlite3"
    while time.time() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                n = con.execute("select count(*) from photos where status='indexed'").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= 16:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    st = json.loads(
        subprocess.run(
            base + ["status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert st["indexed"] < total, "index finished before the kill: make the test bigger"
    assert st["vectors"] == st["indexed"]  # catalog and index agree after repair
    out = subprocess.run(
        base + ["index", "--json"], env=env, capture_output=True, text=True, check=True
    )
    rep = json.loads(out.stdout)
    st = json.loads(
        subprocess.run(
            base + ["status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert st["indexed"] == total and st["vectors"] == total
    assert rep["indexed"] <= total - 16 + 8  # at most the batch in flight was lost


def test_search_process_never_imports_torch(tmp_path, tiny_models_dir, photos):
    library = tmp_path / "lib2"
    env = _env(tiny_models_dir, library)
    code = (
        "import sys; from photoalbum.cli import main\n"
        f"main(['--model', {MODEL!r}, 'index', {str(photos)!r}, '--json'])\n"
        f"main(['--model', {MODEL!r}, 'search', 'dog', '--json'])\n"
        "bad = [m for m in ('torch', 'open_clip', 'transformers', 'PySide6') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def test_hostile_library_every_good_file_indexed_every_bad_recorded(cli, tmp_path):
    from tests.support.hostile import SCANNER_SKIPS, make_hostile_files

    folder = tmp_path / "hostile"
    expected = make_hostile_files(folder)
    before = snapshot(folder)
    rc, out, _ = cli("index", str(folder), "--json")
    assert rc == 0
    report = json.loads(out)
    failures = {Path(f["path"]).name: f["reason"] for f in report["failures"]}
    for name, reason in expected.items():
        if name in SCANNER_SKIPS:
            assert name not in failures
            continue
        if reason is None:
            assert name not in failures, f"{name!r} should index, failed with {failures.get(name)}"
        else:
            assert reason in failures.get(name, ""), f"{name!r}: {failures.get(name)!r}"
    good = sum(1 for n, r in expected.items() if r is None and n not in SCANNER_SKIPS)
    assert report["indexed"] == good
    rc, out, _ = cli("status", "--json")
    st = json.loads(out)
    assert st["indexed"] == good == st["vectors"]
    assert snapshot(folder) == before
    # and a search over it works
    rc, out, _ = cli("search", "snow", "--all", "-k", "50", "--json")
    assert rc == 0 and len(json.loads(out)["results"]) == good


def test_model_import_of_a_prepared_folder(tmp_path, tiny_model, capsys):
    models = tmp_path / "other-models"
    argv = ["--models-dir", str(models), "--model", MODEL]
    assert main(argv + ["model", "import", str(tmp_path / "nope")]) == 1
    assert main(argv + ["model", "import", str(tiny_model.path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["random_weights"] is True
    assert (models / tiny_model.path.name / "manifest.json").is_file()
    # a folder that is not a prepared model is refused with a message
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "image.onnx").write_bytes(b"x")
    assert (
        main(
            ["--models-dir", str(tmp_path / "m3"), "--model", MODEL, "model", "import", str(broken)]
        )
        == 1
    )
    assert "holds no model" in capsys.readouterr().err


def test_scenes_events_duplicates_commands(cli, photos):
    from PIL import Image

    # a resized re-encoding of a photo: a near-duplicate
    Image.open(photos / "astronaut.jpg").resize((200, 200)).save(
        photos / "astronaut small.jpg", quality=70
    )
    make_sample_photos(photos / "burst", SAMPLES[8:11], burst=True)  # one event of three
    cli("index", str(photos))
    rc, out, _ = cli("scenes", "--json")
    assert rc == 0
    scenes = json.loads(out)
    assert all(s["count"] == len(s["photo_ids"]) and s["cover"] for s in scenes)
    rc, out, _ = cli("events", "--json")
    events = json.loads(out)
    # Lone photos (and the pairs of copies) are no event: a few photos make one.
    assert rc == 0 and [e["count"] for e in events] == [3]
    assert sorted(Path(p).stem for p in events[0]["paths"]) == sorted(SAMPLES[8:11])
    rc, out, _ = cli("duplicates", "--json")
    assert rc == 0
    groups = [sorted(Path(p).name for p in g["paths"]) for g in json.loads(out)]
    assert ["astronaut small.jpg", "astronaut.jpg"] in groups
    rc, out, _ = cli("scenes")
    assert rc == 0 and out.strip()


def test_store_info_status_and_passes_json_keep_their_shape(cli, photos):
    assert cli("add", str(photos))[0] == 0
    rc, out, _ = cli("store", "info", "--json")
    assert rc == 0
    assert json.loads(out) == {"vector_store": "hnswlib", "kind": "hnswlib", "recorded": None}
    assert cli("index", "--json")[0] == 0
    rc, out, _ = cli("store", "info", "--json")
    info = json.loads(out)
    assert list(info) == [
        "vector_store",
        "kind",
        "recorded",
        "vectors",
        "generation",
        "catalog_generation",
        "collection",
    ]
    assert info["vectors"] == 11 and info["collection"] is None
    assert info["generation"] == info["catalog_generation"] > 0
    rc, out, _ = cli("status", "--json")
    assert list(json.loads(out)) == STATUS_KEYS
    rc, out, _ = cli("passes", "--json")
    passes = json.loads(out)["passes"]
    for p in passes:
        assert list(p) == [
            "name",
            "title",
            "enabled",
            "version",
            "done",
            "failed",
            "todo",
            "failures",
        ]
    if any(p["name"] == "text" for p in passes):  # the text pass is installed (rapidocr)
        rc, out, err = cli("passes", "redo", "text", "--json")
        assert rc == 0, err
        [text] = [p for p in json.loads(out)["passes"] if p["name"] == "text"]
        assert (text["done"], text["failed"], text["todo"]) == (0, 0, 11)
    rc, _, err = cli("passes", "redo", "nope")
    assert rc == 1 and "no background pass called 'nope'" in err


def test_a_damaged_model_is_a_clear_error_and_never_prepared_again(
    cli, photos, tiny_models_dir, tmp_path
):
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0
    model_dir = tiny_models_dir / "random_tiny-clip"
    manifest = model_dir / "manifest.json"
    manifest.unlink()  # hard-linked from the session's copy: replace it, never write into it
    manifest.write_text("{ not json", encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in model_dir.iterdir()}
    for command in (["search", "moon"], ["index"]):
        rc, out, err = cli(*command)
        assert rc != 0 and out == ""
        assert "damaged" in err and "photoalbum model prepare --force random:tiny-clip" in err
        assert "Traceback" not in err
    assert {p.name: p.stat().st_mtime_ns for p in model_dir.iterdir()} == before


def test_search_never_prepares_a_model(cli, photos, tmp_path, capsys):
    assert cli("add", str(photos))[0] == 0
    assert cli("index")[0] == 0
    empty_models = tmp_path / "no-models"  # the library's model was never prepared here
    argv = ["--library", str(cli.library), "--models-dir", str(empty_models), "--model", MODEL]
    capsys.readouterr()
    assert main([*argv, "search", "moon"]) != 0
    err = capsys.readouterr().err
    assert "model random:tiny-clip is not prepared" in err
    assert "photoalbum model prepare random:tiny-clip" in err and "photoalbum index" in err
    assert not (empty_models / "random_tiny-clip").exists()
