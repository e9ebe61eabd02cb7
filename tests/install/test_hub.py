"""Ready-made downloads against a local HTTP server speaking the hub's URL layout."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from photoalbum.core.errors import OfflineError
from photoalbum.core.models.registry import ReadyMade
from photoalbum.core.models.store import ModelStore
from photoalbum.install import hub
from photoalbum.install.service import install_model
from tests.support.readymade import LAYOUT_FILES

REPO = "immich-app/tiny-clip__random"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class _Hub(http.server.BaseHTTPRequestHandler):
    """Serves ``/<repo>/resolve/<rev>/<file>`` from ``files``, honouring Range; can cut a
    response half-way once (``cut_once``) to simulate a dropped connection."""

    files: dict[str, bytes] = {}
    requests: list[tuple[str, str, str | None]] = []
    cut_once: set[str] = set()

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _file(self) -> tuple[str, bytes] | None:
        prefix = f"/{REPO}/resolve/"
        if not self.path.startswith(prefix):
            return None
        name = self.path[len(prefix):].split("/", 1)[1]
        data = type(self).files.get(name)
        return (name, data) if data is not None else None

    def _headers(self, data: bytes, length: int) -> None:
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802
        type(self).requests.append(("HEAD", self.path, None))
        found = self._file()
        if found is None:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            return
        self.send_response(200)
        self._headers(found[1], len(found[1]))

    def do_GET(self) -> None:  # noqa: N802
        rng = self.headers.get("Range")
        type(self).requests.append(("GET", self.path, rng))
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
    assert src["files"]["visual/model.onnx"] == hashlib.sha256(
        served.files["visual/model.onnx"]).hexdigest()
    size = len(served.files["textual/model.onnx"])
    assert ("downloading textual/model.onnx", size, size) in seen  # byte progress
    gets = [r for r in served.requests if r[0] == "GET"]
    assert {p.split("/resolve/")[1].split("/", 1)[1] for _, p, _ in gets} == set(LAYOUT_FILES)


def test_an_interrupted_download_resumes_where_it_stopped(served, tiny_spec, tmp_path):
    spec = _spec(tiny_spec, served.files)
    store = ModelStore(tmp_path / "models", tmp_path / "downloads")
    served.cut_once = {"textual/model.onnx"}
    try:
        install_model(store, spec)
    except OfflineError:
        install_model(store, spec)  # the second attempt resumes the partial file
    assert store.get(spec) is not None
    ranged = [r for r in served.requests
              if r[0] == "GET" and r[1].endswith("textual/model.onnx") and r[2]]
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


def test_files_without_a_recorded_checksum_install_loudly_unverified(
    served, tiny_spec, tmp_path, caplog
):
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

    code = ("import sys; import photoalbum.install.service, photoalbum.install.readymade; "
            "from photoalbum.core.models.int8 import acceptance, quantize, samples, selfcheck; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.strip() == "False"
