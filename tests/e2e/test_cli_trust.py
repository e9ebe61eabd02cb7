"""The CLI on broken or mistyped input: a message and exit 1 (or usage, exit 2), no traceback."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoalbum.cli import main
from photoalbum.core.models.encoder import ClipEncoder
from tests.support.photos import SAMPLES, make_sample_photos

MODEL = "random:tiny-clip"


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys):
    """Run the CLI in-process on ``--library`` (default tmp_path/library); return (rc, out, err).

    Any exception other than SystemExit escapes ``main`` and fails the test: that is a traceback.
    """

    def run(*args: str, library: Path | None = None):
        argv = ["--library", str(library or tmp_path / "library")]
        argv += ["--models-dir", str(tiny_models_dir), "--model", MODEL]
        rc = main(argv + list(args))
        out, err = capsys.readouterr()
        return rc, out, err

    run.library = tmp_path / "library"
    return run


@pytest.fixture
def indexed(cli, tmp_path):
    """A library with a few indexed photos; returns the photos folder."""
    folder = tmp_path / "photos"
    make_sample_photos(folder, SAMPLES[:4])
    rc, _, err = cli("index", str(folder))
    assert rc == 0, err
    return folder


def _fails_with(result: tuple[int, str, str], *words: str) -> None:
    rc, _, err = result
    assert rc == 1, err
    assert err.splitlines()[-1].startswith("photoalbum: ") and "Traceback" not in err
    for word in words:
        assert word in err


READ_COMMANDS = (
    ("status",),
    ("search", "dog"),
    ("scenes",),
    ("events",),
    ("duplicates",),
    ("people",),
    ("passes",),
    ("store", "info"),
)


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: "-".join(c))
def test_a_command_that_reads_never_creates_a_library(cli, tmp_path, command):
    mistyped = tmp_path / "librray"
    _fails_with(cli(*command, library=mistyped), "there is no library at", str(mistyped))
    assert not mistyped.exists()


def test_library_pointing_at_a_file(cli, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a library")
    _fails_with(cli("status", library=a_file), "is a file, not a folder")
    _fails_with(cli("add", str(tmp_path), library=a_file), "is a file, not a folder")
    assert a_file.read_text() == "not a library"


def test_a_library_folder_that_cannot_be_written(cli, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes through chmod 0555; the file-for-a-folder cases cover this path")
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        _fails_with(cli("add", str(tmp_path), library=parent / "library"), "cannot")
    finally:
        parent.chmod(0o755)


def test_an_empty_catalog_is_reported_damaged_and_kept(cli, tmp_path):
    cli.library.mkdir()
    catalog = cli.library / "catalog.sqlite3"
    catalog.write_bytes(b"")
    for command in (("status",), ("index", str(tmp_path)), ("add", str(tmp_path))):
        _fails_with(cli(*command), "damaged")
        assert catalog.read_bytes() == b""


def test_a_catalog_that_is_not_sqlite_is_reported_damaged_and_kept(cli, tmp_path):
    cli.library.mkdir()
    catalog = cli.library / "catalog.sqlite3"
    catalog.write_bytes(b"this is not a database" * 100)
    _fails_with(cli("status"))
    assert catalog.read_bytes() == b"this is not a database" * 100


def test_thumbnails_being_a_file(cli, indexed):
    thumbnails = cli.library / "thumbnails"
    import shutil

    shutil.rmtree(thumbnails)
    thumbnails.write_text("in the way")
    _fails_with(cli("index"), "thumbnails")


def test_writer_lock_being_a_folder(cli, indexed):
    lock = cli.library / "writer.lock"
    if lock.exists():
        lock.unlink()
    lock.mkdir()
    _fails_with(cli("index"), "writer.lock")


def test_an_edited_manifest_dim(cli, indexed, tiny_models_dir):
    (manifest,) = tiny_models_dir.rglob("manifest.json")
    data = json.loads(manifest.read_text())
    data["dim"] = data["dim"] + 7
    manifest.unlink()  # hard-linked from the session's model: replace, never write in place
    manifest.write_text(json.dumps(data))
    _fails_with(cli("search", "dog"), "damaged")
    make_sample_photos(indexed, SAMPLES[4:5])  # a new photo: the image tower runs
    _fails_with(cli("index", "--no-passes"), "damaged")


def test_a_query_vector_that_is_not_finite(cli, indexed, monkeypatch):
    def nan_texts(self, texts):  # a model whose weights hold NaN encodes everything as NaN
        return np.full((len(texts), self.dim), np.nan, dtype=np.float32)

    monkeypatch.setattr(ClipEncoder, "encode_texts", nan_texts)
    _fails_with(cli("search", "dog"), "query vector is not finite")


def test_a_photo_id_beyond_sqlite_integers(cli, indexed):
    huge = "photo:" + "9" * 23
    rc, out, err = cli("remove", "--photo", huge)
    assert rc == 1 and "not in the library" in out and "Traceback" not in err
    _fails_with(cli("search", huge), "photo")
    _fails_with(cli("search", "dog", "-" + huge), "photo")


@pytest.mark.parametrize("value", ["1e20", "99999999999999999999999", "-3"])
def test_min_width_out_of_range_is_a_usage_error(cli, indexed, value, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("search", "dog", "--min-width", value)
    assert exc.value.code == 2
    assert "--min-width" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-5", "0"])
def test_k_must_be_positive(cli, indexed, value, capsys):
    for command in (("search", "dog"), ("similar", str(indexed / "coffee.jpg"))):
        with pytest.raises(SystemExit) as exc:
            cli(*command, "-k", value)
        assert exc.value.code == 2
        assert "must be 1 or more" in capsys.readouterr().err


def test_index_wait_is_honoured_when_a_folder_is_named(cli, indexed, monkeypatch):
    from photoalbum.library import Library

    timeouts: list[float] = []
    real_writer = Library.writer

    def spy(self, who, timeout=0.0):
        timeouts.append(timeout)
        return real_writer(self, who, timeout)

    monkeypatch.setattr(Library, "writer", spy)
    rc, _, err = cli("index", "--wait", "7", str(indexed))
    assert rc == 0, err
    assert timeouts and all(t == 7.0 for t in timeouts)


def test_catalog_kept_as_sqlite_after_a_refused_open(cli, indexed):
    # the checks above never touch a good catalog
    with sqlite3.connect(cli.library / "catalog.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 4
