"""End-to-end: text read in photos (real PP-OCR weights) found by the CLI; kill mid-pass resumes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.photos import SAMPLES, make_sample_photos, snapshot
from tests.support.text_photos import RECEIPT_EN, RECEIPT_ZH, save_text_photo

pytest.importorskip("rapidocr_onnxruntime")

from tests.support.cli import MODEL

# The text pass's state (the places pass, on by default, keeps its own rows too).
_TEXT_STATE = "SELECT photo_id, updated_at FROM pass_state WHERE pass_name = 'text'"


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "Photos"
    make_sample_photos(folder, SAMPLES)  # 12 photos without text (the "page" one has print)
    save_text_photo(folder / "IMG_2041.jpg", [RECEIPT_EN, "2 x hinges 24.00"], size=(1200, 900))
    save_text_photo(folder / "IMG_2042.jpg", [RECEIPT_ZH, "谢谢惠顾"], size=(1200, 900))
    return folder


def _names(out: str) -> list[str]:
    return [Path(h["path"]).name for h in json.loads(out)["results"]]


def test_words_in_photos_are_found_first(cli, photos):
    before = snapshot(photos)
    assert cli("add", str(photos))[0] == 0
    rc, out, _ = cli("index", "--json")
    report = json.loads(out)
    assert rc == 0 and report["indexed"] == 14
    assert report["passes"]["text"] == {"done": 14, "failed": 0}

    rc, out, _ = cli("search", "收据", "--json")
    assert rc == 0 and _names(out)[0] == "IMG_2042.jpg"
    rc, out, _ = cli("search", "hardware", "store", "--json")
    assert rc == 0 and _names(out)[0] == "IMG_2041.jpg"
    rc, out, _ = cli("search", "the receipt from the hardware store", "--json")
    assert _names(out)[0] == "IMG_2041.jpg"
    hits = json.loads(out)["results"]
    assert hits[0]["keyword"] is True

    rc, out, _ = cli("status", "--json")
    text = next(p for p in json.loads(out)["passes"] if p["name"] == "text")
    assert (text["enabled"], text["done"], text["failed"], text["todo"]) == (True, 14, 0, 0)
    rc, out, _ = cli("status")
    assert "pass text (on): 14 done, 0 failed, 0 to do" in out

    # switched off: a new photo is indexed but not read; back on: only it is read
    assert cli("passes", "off", "text")[0] == 0
    save_text_photo(photos / "sign.jpg", ["Hardware Store"], size=(800, 600))
    report = json.loads(cli("index", "--json")[1])
    assert report["indexed"] == 1 and "text" not in report.get("passes", {})
    rc, out, _ = cli("passes", "on", "text", "--json")
    assert json.loads(out)["passes"][0]["todo"] == 1
    report = json.loads(cli("index", "--json")[1])
    assert report["indexed"] == 0 and report["passes"]["text"]["done"] == 1
    assert snapshot(photos) == {
        **before,
        **{k: v for k, v in snapshot(photos).items() if k.endswith("sign.jpg")},
    }


def _env(tiny_models_dir: Path, library: Path) -> dict[str, str]:
    import os

    return dict(
        os.environ,
        PHOTOALBUM_HOME=str(library),
        PHOTOALBUM_MODELS=str(tiny_models_dir),
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )


@pytest.mark.slow
def test_kill_minus_9_mid_pass_resumes_without_redoing(tmp_path, tiny_models_dir):
    folder = tmp_path / "many"
    make_sample_photos(folder, SAMPLES, size=900)
    for i in range(12):
        save_text_photo(folder / f"note{i:02d}.jpg", [f"Note {i}", RECEIPT_EN], size=(900, 700))
    total = 24
    library = tmp_path / "lib"
    env = _env(tiny_models_dir, library)
    base = [sys.executable, "-m", "photoalbum", "--model", MODEL]
    subprocess.run(base + ["add", str(folder)], env=env, check=True, capture_output=True)
    # Batches of 4: the text pass commits with each batch of the CLIP pass (it reads the photos
    # the pipeline decoded), so the kill lands between two batches' pass states.
    proc = subprocess.Popen(
        base + ["index", "--batch-size", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = library / "catalog.sqlite3"
    deadline = time.time() + 300
    done_at_kill = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                done_at_kill = con.execute(
                    "SELECT COUNT(*) FROM pass_state WHERE pass_name = 'text'"
                ).fetchone()[0]
        except sqlite3.Error:
            done_at_kill = 0
        if done_at_kill >= 1:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:
        stamps = dict(con.execute(_TEXT_STATE).fetchall())
    assert 1 <= len(stamps) < total, "the pass finished before the kill: make the test bigger"
    out = subprocess.run(
        base + ["index", "--json"], env=env, capture_output=True, text=True, check=True
    )
    rep = json.loads(out.stdout)
    assert rep["passes"]["text"]["done"] + rep["passes"]["text"]["failed"] == total - len(stamps)
    with sqlite3.connect(db) as con:
        after = dict(con.execute(_TEXT_STATE).fetchall())
        found = con.execute(
            "SELECT COUNT(*) FROM photo_text WHERE text LIKE '%hardware store%'"
        ).fetchone()[0]
    assert len(after) == total and all(after[k] == v for k, v in stamps.items())  # none redone
    assert found == 12


def test_watch_runs_the_passes_after_indexing(cli, tmp_path):
    folder = tmp_path / "w"
    make_sample_photos(folder, SAMPLES[:2])
    save_text_photo(folder / "note.jpg", [RECEIPT_EN], size=(800, 600))
    assert cli("add", str(folder))[0] == 0
    rc, out, _ = cli("watch", "--once", "--json")
    report = json.loads(out.strip().splitlines()[-1])
    assert rc == 0 and report["indexed"] == 3 and report["passes"]["text"]["done"] == 3
    assert _names(cli("search", "receipt", "--json")[1])[0] == "note.jpg"
