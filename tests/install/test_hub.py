"""Ready-made downloads against a local HTTP server speaking the hub's URL layout."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest

from photoalbum.core.errors import ModelNotAvailableError, OfflineError
from photoalbum.core.models.registry import ReadyMade
from photoalbum.core.models.store import ModelStore
from photoalbum.install import hub
from photoalbum.install.service import install_model
from tests.support.readymade import LAYOUT_FILES

REPO = "immich-app/tiny-clip__random"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _lfs(name: str) -> bool:
    return not name.endswith(".json")  # as on the hub: graphs and weights in LFS


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class _Hub(http.server.BaseHTTPRequestHandler):
    """Serves ``/<repo>/resolve/<rev>/<file>`` from ``files``, honouring Range, and the repo's
    listing ``/api/models/<repo>/revision/<rev>`` (LFS sha256 for graphs, git blob ids for
    small files, unless ``metadata`` is off; ``listed_sha256`` overrides an LFS checksum); can
    cut a response half-way once (``cut_once``) to simulate a dropped connection."""

    files: dict[str, bytes] = {}
    requests: list[tuple[str, str, str | None]] = []
    cut_once: set[str] = set()
    metadata: bool = True
    listed_sha256: dict[str, str] = {}

    def _listing(self) -> bytes | None:
        prefix = f"/api/models/{REPO}/revision/"
        if not self.path.startswith(prefix):
            return None
        siblings = []
        for name, data in sorted(type(self).files.items()):
            entry: dict[str, object] = {"rfilename": name}
            if type(self).metadata:
                entry["size"] = len(data)
                if _lfs(name):
                    sha = type(self).listed_sha256.get(name, hashlib.sha256(data).hexdigest())
                    entry["lfs"] = {"size": len(data), "sha256": sha, "pointerSize": 134}
                else:
                    entry["blobId"] = _blob_id(data)
            siblings.append(entry)
        return json.dumps({"id": REPO, "sha": COMMIT, "siblings": siblings}).encode()

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _file(self) -> tuple[str, bytes] | None:
        prefix = f"/{REPO}/resolve/"
        if not self.path.startswith(prefix):
            return None
        name = self.path[len(prefix) :].split("/", 1)[1]
        data = type(self).files.get(name)
        return (name, data) if data is not None else None

    def _headers(self, data: bytes, length: int) -> None:
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_HEAD(self) -> None:
        type(self).requests.append(("HEAD", self.path, None))
        found = self._file()
        if found is None:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            return
        self.send_response(200)
        self._headers(found[1], len(found[1]))

    def do_GET(self) -> None:
        rng = self.headers.get("Range")
        type(self).requests.append(("GET", self.path, rng))
        listing = self._listing()
        if listing is not None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(listing)))
            self.end_headers()
            self.wfile.write(listing)
            return
        found = self._file()
        if found is None:
            self.send_response(404)
            self.end_headers()
            return
        name, data = found
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self._headers(data, len(data) - start)
        body = data[start:]
        if name in type(self).cut_once:
            type(self).cut_once.discard(name)
            # Past huggingface_hub's 10 MB read chunk, so some bytes reach its partial file.
            self.wfile.write(body[: len(body) - len(body) // 8])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # the rest never arrives
            return
        self.wfile.write(body)


@pytest.fixture
def served(immich_export, monkeypatch):
    _Hub.files = {f: (immich_export / f).read_bytes() for f in LAYOUT_FILES}
    _Hub.requests = []
    _Hub.cut_once = set()
    _Hub.metadata = True
    _Hub.listed_sha256 = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(hub.ENV_HUB_ENDPOINT, f"http://127.0.0.1:{server.server_port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield _Hub
    server.shutdown()


def _spec(base, files: dict[str, bytes], wrong: str | None = None, unknown: bool = False):
    checksums = tuple(
        (f, None if unknown else ("0" * 64 if f == wrong else hashlib.sha256(d).hexdigest()))
        for f, d in files.items()
    )
    return dataclasses.replace(base, ready_made=ReadyMade(repo=REPO, files=checksums))


def test_download_installs_a_verified_model(served, tiny_spec, tmp_path):
    spec = _spec(tiny_spec, served.files)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    seen: list[tuple[str, int, int]] = []
    model = install_model(store, spec, None, lambda s, d, t: seen.append((s, d, t)))
    assert store.get(spec) is not None
    src = model.manifest.source
    assert src["verified"] is True and src["repo"] == REPO
    assert (
        src["files"]["visual/model.onnx"]
        == hashlib.sha256(served.files["visual/model.onnx"]).hexdigest()
    )
    size = len(served.files["textual/model.onnx"])
    assert ("downloading textual/model.onnx", size, size) in seen  # byte progress
    gets = [r for r in served.requests if r[0] == "GET" and "/resolve/" in r[1]]
    assert {p.split("/resolve/")[1].split("/", 1)[1] for _, p, _ in gets} == set(LAYOUT_FILES)
    assert {p.split("/resolve/")[1].split("/", 1)[0] for _, p, _ in gets} == {COMMIT}
    assert src["commit"] == COMMIT


def test_an_interrupted_download_resumes_where_it_stopped(served, tiny_spec, tmp_path):
    spec = _spec(tiny_spec, served.files)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    served.cut_once = {"textual/model.onnx"}
    try:
        install_model(store, spec)
    except OfflineError:
        install_model(store, spec)  # the second attempt resumes the partial file
    assert store.get(spec) is not None
    ranged = [
        r for r in served.requests if r[0] == "GET" and r[1].endswith("textual/model.onnx") and r[2]
    ]
    cut = len(served.files["textual/model.onnx"]) - len(served.files["textual/model.onnx"]) // 8
    assert ranged, [r for r in served.requests if "textual/model" in r[1]]
    start = int(ranged[-1][2].split("=")[1].split("-")[0])
    assert 0 < start <= cut  # resumed from the partial file, not from byte 0
    # the resumed file is byte-exact (its checksum passed): the model encodes
    assert store.get(spec).manifest.source["verified"] is True


def test_a_checksum_mismatch_installs_nothing_and_deletes_the_file(served, tiny_spec, tmp_path):
    spec = _spec(tiny_spec, served.files, wrong="visual/model.onnx")
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(hub.ChecksumError, match="visual/model.onnx"):
        install_model(store, spec)
    assert store.get(spec) is None
    assert not list((tmp_path / "downloads").rglob("visual/model.onnx"))
    # once the registry is right, the next attempt downloads it again and installs
    n = len([r for r in served.requests if r[0] == "GET" and r[1].endswith("visual/model.onnx")])
    install_model(store, _spec(tiny_spec, served.files))
    again = [r for r in served.requests if r[0] == "GET" and r[1].endswith("visual/model.onnx")]
    assert len(again) == n + 1


def test_files_without_any_checksum_install_loudly_unverified(served, tiny_spec, tmp_path, caplog):
    served.metadata = False  # neither the registry nor the hub gives one
    spec = _spec(tiny_spec, served.files, unknown=True)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with caplog.at_level("WARNING"):
        model = install_model(store, spec)
    src = model.manifest.source
    assert src["verified"] is False and set(src["unverified_files"]) == set(LAYOUT_FILES)
    assert any("UNVERIFIED" in w for w in model.manifest.warnings)
    assert "UNVERIFIED" in caplog.text


def test_unreachable_hub_is_an_offline_error_that_says_how_to_import(
    tiny_spec, tmp_path, monkeypatch
):
    monkeypatch.setenv(hub.ENV_HUB_ENDPOINT, "http://127.0.0.1:9")  # nothing listens
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    spec = _spec(tiny_spec, {f: b"" for f in LAYOUT_FILES}, unknown=True)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(OfflineError, match="model install FOLDER_OR_ARCHIVE"):
        install_model(store, spec)
    assert store.get(spec) is None


def test_registry_default_has_a_ready_made_download_with_honest_checksums():
    from photoalbum.core.models.registry import DEFAULT_MODEL, resolve_spec

    ready = resolve_spec(DEFAULT_MODEL).ready_made
    assert ready is not None and ready.repo.startswith("immich-app/")
    assert {f for f, _ in ready.files} == set(LAYOUT_FILES)
    for _, sha in ready.files:  # None (unknown here) or a real SHA-256, never a placeholder
        assert sha is None or (len(sha) == 64 and len(set(sha)) > 4)


def test_torch_is_not_imported_by_the_install_path(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; import photoalbum.install.service, photoalbum.install.readymade; "
        "from photoalbum.core.models.int8 import acceptance, quantize, samples, selfcheck; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_without_registry_checksums_the_hubs_own_verify_the_download(served, tiny_spec, tmp_path):
    spec = _spec(tiny_spec, served.files, unknown=True)  # the registry records none (as today)
    model = install_model(ModelStore(tmp_path / "models", tmp_path / "downloads"), spec)
    src = model.manifest.source
    assert src["verified"] is True and src["unverified_files"] == []
    assert src["checked_by"]["visual/model.onnx"] == "hub lfs sha256"
    assert src["checked_by"]["config.json"] == "hub git blob id"
    assert src["commit"] == COMMIT and src["revision"] == "main"
    assert not any("UNVERIFIED" in w for w in model.manifest.warnings)


def test_a_download_that_differs_from_the_hubs_checksum_is_refused(served, tiny_spec, tmp_path):
    served.listed_sha256 = {"textual/model.onnx": "f" * 64}
    spec = _spec(tiny_spec, served.files, unknown=True)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(hub.ChecksumError, match="textual/model.onnx.*hub lfs sha256"):
        install_model(store, spec)
    assert store.get(spec) is None
    assert not list((tmp_path / "downloads").rglob("textual/model.onnx"))


def _with_side_file(model_bytes: bytes, tmp_path: Path) -> tuple[bytes, bytes]:
    """The tower re-saved with its weights in an external-data file named model.onnx_data."""
    import onnx

    work = tmp_path / "side"
    work.mkdir()
    (work / "in.onnx").write_bytes(model_bytes)
    model = onnx.load(str(work / "in.onnx"))
    onnx.save_model(
        model,
        str(work / "model.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="model.onnx_data",
        size_threshold=0,
    )
    return (work / "model.onnx").read_bytes(), (work / "model.onnx_data").read_bytes()


def test_a_tower_with_an_external_data_file_downloads_it_and_installs(served, tiny_spec, tmp_path):
    graph, side = _with_side_file(served.files["textual/model.onnx"], tmp_path)
    served.files["textual/model.onnx"] = graph
    served.files["textual/model.onnx_data"] = side
    served.files["visual/rknpu/rk3588/model.rknn"] = b"another runtime's file"
    served.files["visual/model.armnn"] = b"another runtime's file"
    served.files["README.md"] = b"not needed"
    spec = _spec(tiny_spec, served.files, unknown=True)
    model = install_model(ModelStore(tmp_path / "models", tmp_path / "downloads"), spec)
    fetched = {
        p.split("/resolve/")[1].split("/", 1)[1]
        for m, p, _ in served.requests
        if m == "GET" and "/resolve/" in p
    }
    assert fetched == set(LAYOUT_FILES) | {"textual/model.onnx_data"}
    assert model.manifest.source["verified"] is True
    from photoalbum.core.models.encoder import ClipEncoder

    assert ClipEncoder(model, "fp32", threads=1).encode_texts(["a dog"]).shape == (1, model.dim)


def test_a_side_file_the_repository_does_not_list_is_a_clear_error(served, tiny_spec, tmp_path):
    graph, _side = _with_side_file(served.files["textual/model.onnx"], tmp_path)
    served.files["textual/model.onnx"] = graph  # the side file is not in the repo
    spec = _spec(tiny_spec, served.files, unknown=True)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    with pytest.raises(ModelNotAvailableError, match="model.onnx_data.*does not list"):
        install_model(store, spec)
    assert store.get(spec) is None


def test_a_repository_without_the_towers_is_refused(served, tiny_spec, tmp_path):
    del served.files["visual/model.onnx"]
    spec = _spec(tiny_spec, served.files, unknown=True)
    with pytest.raises(ModelNotAvailableError, match="visual/model.onnx"):
        install_model(ModelStore(tmp_path / "models", tmp_path / "downloads"), spec)
