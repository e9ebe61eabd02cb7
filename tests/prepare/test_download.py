"""The real weights download path, against a local HTTP server that speaks the hub's protocol."""

from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from photoalbum.core.errors import OfflineError
from photoalbum.core.models.registry import resolve_spec

pytest.importorskip("open_clip")
pytest.importorskip("huggingface_hub")

from photoalbum.prepare import download

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB "checkpoint"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class _Hub(http.server.BaseHTTPRequestHandler):
    """Serves every ``/<repo>/resolve/<rev>/<file>`` with PAYLOAD, honouring Range."""

    requests: list[tuple[str, str, str | None]] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _headers(self, start: int = 0) -> None:
        etag = hashlib.sha256(PAYLOAD).hexdigest()
        self.send_header("ETag", f'"{etag}"')
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(PAYLOAD) - start))
        self.end_headers()

    def do_HEAD(self) -> None:
        type(self).requests.append(("HEAD", self.path, self.headers.get("Range")))
        self.send_response(200)
        self._headers()

    def do_GET(self) -> None:
        rng = self.headers.get("Range")
        type(self).requests.append(("GET", self.path, rng))
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        self._headers(start)
        self.wfile.write(PAYLOAD[start:])


@pytest.fixture
def hub(monkeypatch):
    _Hub.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(download.ENV_HUB_ENDPOINT, f"http://127.0.0.1:{server.server_port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield _Hub
    server.shutdown()


def test_weights_come_from_the_hub_endpoint_and_are_cached(hub, tmp_path):
    spec = resolve_spec("ViT-B-32-datacomp")
    path = download.fetch_weights(spec, tmp_path / "downloads")
    assert Path(path).read_bytes() == PAYLOAD
    assert str(path).startswith(str(tmp_path / "downloads"))
    gets = [r for r in hub.requests if r[0] == "GET"]
    assert gets and "/resolve/" in gets[0][1]
    # a second call is served from the cache: no new download
    n = len([r for r in hub.requests if r[0] == "GET"])
    assert Path(download.fetch_weights(spec, tmp_path / "downloads")).read_bytes() == PAYLOAD
    assert len([r for r in hub.requests if r[0] == "GET"]) == n


def test_unreachable_hub_is_a_clear_offline_error(tmp_path, monkeypatch):
    monkeypatch.setenv(download.ENV_HUB_ENDPOINT, "http://127.0.0.1:9")  # nothing listens
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(OfflineError, match="import"):
        download.fetch_weights(resolve_spec("ViT-B-32-datacomp"), tmp_path / "downloads")
