"""The library on each vector store: CLI selection, crash repair, migration both ways, readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

from photoalbum.core.paths import Paths
from photoalbum.core.writer_lock import WriterLock
from photoalbum.library import Library
from tests.stores.conftest import SERVER_TOKEN, backend_uri, require_backend
from tests.support.cli import MODEL, CliRunner
from tests.support.photos import SAMPLES, make_sample_photos

ROOT = Path(__file__).resolve().parents[2]
MILVUS = ("milvus-lite", "milvus-server")


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    make_sample_photos(folder, SAMPLES[:8])
    return folder


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys, monkeypatch):
    """Run the CLI in-process on a temp library; returns (rc, out, err)."""
    monkeypatch.setenv("PHOTOALBUM_MILVUS_TOKEN", SERVER_TOKEN)
    return CliRunner(tmp_path / "library", tiny_models_dir, capsys)


@pytest.fixture
def tiny_models_dir(tiny_model) -> Path:
    return tiny_model.path.parent


def _uri(kind: str, tmp_path: Path) -> str:
    return backend_uri(kind, tmp_path, "lib_" + uuid.uuid4().hex[:10])


def _drop(uri: str, library: Path, models: Path) -> None:
    """Drop a test's server collection."""
    if not uri.startswith("http"):
        return
    lib = Library(
        Paths.resolve(library=library, models=models),
        model=MODEL,
        vector_store=uri,
        vector_store_token=SERVER_TOKEN,
    )
    try:
        store = lib.vectors.open_milvus(lib.store_target)
        store.drop()
        store.close()
    finally:
        lib.close()


def _search_ids(cli, *extra: str) -> list[int]:
    rc, out, err = cli(*extra, "search", "a", "photo", "--all", "-k", "5", "--json")
    assert rc == 0, err
    return [r["id"] for r in json.loads(out)["results"]]


@pytest.mark.parametrize("kind", MILVUS)
def test_cli_indexes_and_searches_on_milvus_and_records_the_store(cli, photos, tmp_path, kind):
    require_backend(kind)
    uri = _uri(kind, tmp_path)
    try:
        assert cli("add", str(photos))[0] == 0
        rc, out, err = cli("--vector-store", uri, "index", "--batch-size", "3", "--json")
        assert rc == 0, err
        assert json.loads(out)["indexed"] == 8
        # recorded: later commands use Milvus without the option
        rc, out, _ = cli("store", "info", "--json")
        info = json.loads(out)
        assert info["kind"] == ("milvus-lite" if kind == "milvus-lite" else "milvus")
        assert info["vectors"] == 8 and info["generation"] == info["catalog_generation"]
        ids = _search_ids(cli)
        assert len(ids) == 5
        rc, out, _ = cli("status", "--json")
        assert (
            json.loads(out)["vectors"] == 8 and json.loads(out)["vector_store"] == info["recorded"]
        )
        # a filter is pushed into Milvus: only photos of camera "Cam B"
        rc, out, _ = cli("search", "a", "photo", "--all", "--camera", "cam b", "--json")
        got = json.loads(out)["results"]
        assert got and all(
            r["path"].endswith(tuple(f"{n}.jpg" for n in SAMPLES[1:8:2])) for r in got
        )
    finally:
        _drop(uri, cli.library, cli.models)


@pytest.mark.parametrize("kind", MILVUS)
def test_migrate_hnswlib_to_milvus_and_back(cli, photos, tmp_path, kind, monkeypatch):
    require_backend(kind)
    uri = _uri(kind, tmp_path)
    try:
        assert cli("add", str(photos))[0] == 0
        assert cli("index")[0] == 0
        before = _search_ids(cli)
        from photoalbum.core.models.encoder import ClipEncoder

        def no_encoding(*a, **kw):  # migration must not re-encode a photo
            raise AssertionError("re-encoded during migration")

        monkeypatch.setattr(ClipEncoder, "encode_images", no_encoding)
        rc, out, err = cli("store", "migrate", "--to", uri, "--json")
        assert rc == 0, err
        report = json.loads(out)
        assert report["vectors"] == 8 and report["from"] == "hnswlib"
        monkeypatch.undo()
        monkeypatch.setenv("PHOTOALBUM_MILVUS_TOKEN", SERVER_TOKEN)
        assert json.loads(cli("store", "info", "--json")[1])["vectors"] == 8
        assert _search_ids(cli) == before
        _assert_store_matches_catalog(cli, uri)

        rc, out, err = cli("store", "migrate", "--to", "hnswlib", "--json")
        assert rc == 0, err
        assert json.loads(out)["vectors"] == 8
        info = json.loads(cli("store", "info", "--json")[1])
        assert info["kind"] == "hnswlib" and info["vectors"] == 8
        assert _search_ids(cli) == before
        _assert_store_matches_catalog(cli, None)
        rc, _, err = cli("store", "migrate", "--to", "hnswlib")
        assert rc == 1 and "already uses" in err
    finally:
        _drop(uri, cli.library, cli.models)


def _assert_store_matches_catalog(cli, uri: str | None) -> None:
    lib = Library(
        Paths.resolve(library=cli.library, models=cli.models),
        model=MODEL,
        vector_store=uri,
        vector_store_token=SERVER_TOKEN,
    )
    try:
        store = lib.store()
        ids, vecs = lib.catalog.vectors(lib.model_key)
        np.testing.assert_array_equal(store.ids(), np.sort(ids))
        np.testing.assert_allclose(store.get(ids), vecs, atol=1e-5)
    finally:
        lib.close()


CRASH = textwrap.dedent("""
    import os, signal, sys
    from photoalbum.core.paths import Paths
    from photoalbum.library import Library
    from photoalbum.stores import milvus

    library, models, uri = sys.argv[1:4]
    real_add = milvus.MilvusStore.add
    calls = []

    def add(self, ids, vectors):
        calls.append(len(ids))
        if len(calls) == 2:  # mid-batch: the catalog committed it, Milvus got part of it
            real_add(self, ids[:1], vectors[:1])
            os.kill(os.getpid(), signal.SIGKILL)
        return real_add(self, ids, vectors)

    milvus.MilvusStore.add = add
    lib = Library(Paths.resolve(library=library, models=models), model="random:tiny-clip",
                  vector_store=uri)
    lib.index(batch_size=3)
    print("not killed")
""")


@pytest.mark.parametrize("kind", MILVUS)
def test_client_killed_mid_batch_is_repaired_on_open(cli, photos, tmp_path, kind):
    require_backend(kind)
    uri = _uri(kind, tmp_path)
    try:
        assert cli("add", str(photos))[0] == 0
        env = dict(os.environ, PYTHONPATH=str(ROOT), PHOTOALBUM_MILVUS_TOKEN=SERVER_TOKEN)
        proc = subprocess.run(
            [sys.executable, "-c", CRASH, str(cli.library), str(cli.models), uri],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == -9, proc.stdout + proc.stderr  # SIGKILL
        lib = Library(
            Paths.resolve(library=cli.library, models=cli.models),
            model=MODEL,
            vector_store=uri,
            vector_store_token=SERVER_TOKEN,
        )
        try:
            live = lib.catalog.live_ids(lib.model_key)
            assert len(live) == 6  # two batches of 3 committed to the catalog
            raw = lib.vectors.open_milvus(lib.store_target)
            assert len(np.setdiff1d(live, raw.ids())) == 2  # Milvus lacks part of batch 2
            raw.close()
            store = lib.store()  # repair on open (the writer lock is free)
            np.testing.assert_array_equal(store.ids(), live)
            ids, vecs = lib.catalog.vectors(lib.model_key)
            np.testing.assert_allclose(store.get(ids), vecs, atol=1e-5)
            assert store.recorded_generation == lib.catalog.generation(lib.model_key)
        finally:
            lib.close()
        rc, out, err = cli("index", "--json")  # and indexing simply finishes the job
        assert rc == 0, err
        assert json.loads(out)["indexed"] == 2
        assert json.loads(cli("store", "info", "--json")[1])["vectors"] == 8
    finally:
        _drop(uri, cli.library, cli.models)


@pytest.mark.parametrize("kind", MILVUS)
def test_reader_never_writes_a_shared_store_while_a_writer_holds_the_lock(
    cli, photos, tmp_path, kind
):
    require_backend(kind)
    uri = _uri(kind, tmp_path)
    try:
        assert cli("add", str(photos))[0] == 0
        assert cli("--vector-store", uri, "index")[0] == 0
        paths = Paths.resolve(library=cli.library, models=cli.models)
        lib = Library(paths, model=MODEL, vector_store_token=SERVER_TOKEN)
        try:
            store = lib.store()
            victim = int(store.ids()[0])
            store.remove(np.array([victim]))  # damage behind the catalog's back...
            store.save(lib.catalog.generation(lib.model_key) - 1)  # ...and say it lags
            lib.vectors.close()
            with WriterLock(paths.lock_file, who="another writer"):
                reader = lib.store()
                assert victim not in reader.ids()  # the reader did not write
                assert reader.generation == lib.catalog.generation(lib.model_key)
                lib.vectors.close()
            repaired = lib.store()  # lock free: repaired
            assert victim in repaired.ids()
        finally:
            lib.close()
    finally:
        _drop(uri, cli.library, cli.models)
