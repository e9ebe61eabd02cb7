"""Download a ready-made model's files from a hub repository: progress, resume, SHA-256 checks.

Files land in ``downloads/ready-made/<repo>/`` through huggingface_hub (which keeps a partial
file and resumes it on the next attempt). Each file is then hashed and compared with the
checksum the registry records; a file without a recorded checksum is reported UNVERIFIED.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoalbum.core.errors import ModelNotAvailableError, OfflineError
from photoalbum.core.models.registry import ModelSpec, ReadyMade

logger = logging.getLogger(__name__)

#: A hub mirror to download from (an organisation's mirror; tests use a local server). The same
#: variable as the torch-side weights download (photoalbum.prepare.download).
ENV_HUB_ENDPOINT = "PHOTOALBUM_HUB_ENDPOINT"
DEFAULT_ENDPOINT = "https://huggingface.co"

#: (stage, done, total) — bytes for downloads.
ProgressFn = Callable[[str, int, int], None]


class ChecksumError(ModelNotAvailableError):
    """A downloaded file's SHA-256 differs from the one the registry records."""


@dataclass
class Downloaded:
    """The files of one ready-made download.

    Attributes:
        root: the folder holding them in the repo's layout.
        sha256: file → its SHA-256 as computed here.
        unverified: files the registry has no checksum for.
        repo/revision/endpoint: where they came from.
    """

    root: Path
    sha256: dict[str, str] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)
    repo: str = ""
    revision: str = ""
    endpoint: str = ""

    def source(self) -> dict[str, Any]:
        """The manifest's ``source`` record."""
        return {
            "kind": "ready-made",
            "repo": self.repo,
            "revision": self.revision,
            "endpoint": self.endpoint,
            "files": dict(self.sha256),
            "verified": not self.unverified,
            "unverified_files": list(self.unverified),
        }


def sha256_file(path: Path, chunk: int = 4 * 1024 * 1024) -> str:
    """The hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def offline_message(spec: ModelSpec, ready: ReadyMade, exc: BaseException | None) -> str:
    """What to tell a person when the ready-made model can't be downloaded."""
    why = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
    return (
        f"could not download {spec.name} from {endpoint()}/{ready.repo}{why}. Check the "
        f"internet connection and install again (a partial download resumes). Without a "
        f"network: copy the folder of that repository (or a .zip/.tar.gz of it) from another "
        f"computer and install it from the file: 'photoalbum --model {spec.name} model install "
        f"FOLDER_OR_ARCHIVE' (in the app: “Import model file or folder…”), or import a "
        f"prepared model folder the same way."
    )


def endpoint() -> str:
    """The hub endpoint in use (PHOTOALBUM_HUB_ENDPOINT, else huggingface.co)."""
    return (os.environ.get(ENV_HUB_ENDPOINT) or DEFAULT_ENDPOINT).rstrip("/")


def download_ready_made(
    spec: ModelSpec, downloads_dir: Path, on_progress: ProgressFn | None = None
) -> Downloaded:
    """Download (or resume) every file of spec's ready-made repo and check its SHA-256.

    Raises:
        ModelNotAvailableError: spec has no ready-made download.
        OfflineError: the hub can't be reached (message says how to install from a file).
        ChecksumError: a file's SHA-256 differs from the registry's (the file is deleted, so
            the next attempt downloads it again).
    """
    from huggingface_hub import hf_hub_download

    ready = spec.ready_made
    if ready is None:
        raise ModelNotAvailableError(f"{spec.name} has no ready-made ONNX download")
    root = Path(downloads_dir) / "ready-made" / ready.repo.replace("/", "__")
    root.mkdir(parents=True, exist_ok=True)
    ep = os.environ.get(ENV_HUB_ENDPOINT) or None
    result = Downloaded(root=root, repo=ready.repo, revision=ready.revision, endpoint=endpoint())
    supports_tqdm = "tqdm_class" in inspect.signature(hf_hub_download).parameters
    for name, expected in ready.files:
        stage = f"downloading {name}"
        kwargs: dict[str, Any] = {}
        if supports_tqdm and on_progress is not None:
            kwargs["tqdm_class"] = _progress_bar(stage, on_progress)
        try:
            logger.info("downloading %s/%s", ready.repo, name)
            path = Path(
                hf_hub_download(
                    repo_id=ready.repo,
                    filename=name,
                    revision=ready.revision,
                    local_dir=str(root),
                    endpoint=ep,
                    **kwargs,
                )
            )
        except Exception as exc:  # connection / HTTP / local-entry errors of several kinds
            raise OfflineError(offline_message(spec, ready, exc)) from exc
        if on_progress is not None:
            on_progress(f"checking {name}", 0, 0)
        digest = sha256_file(path)
        result.sha256[name] = digest
        if expected is None:
            result.unverified.append(name)
            logger.warning(
                "UNVERIFIED: the registry records no SHA-256 for %s/%s; downloaded file has "
                "sha256 %s", ready.repo, name, digest,
            )
        elif digest != expected.lower():
            path.unlink(missing_ok=True)
            raise ChecksumError(
                f"{name} from {ready.repo} is not the expected file: SHA-256 {digest}, the "
                f"registry expects {expected}. It was deleted; install again to download it "
                f"afresh (a mirror or proxy may be serving a different file)."
            )
    return result


def _progress_bar(stage: str, report: ProgressFn) -> type:
    """A silent tqdm class for huggingface_hub that forwards byte counts to report."""
    from tqdm import tqdm

    class _Forward(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._total = int(kwargs.get("total") or 0)
            self._done = int(kwargs.get("initial") or 0)
            kwargs["disable"] = True
            kwargs.pop("name", None)
            super().__init__(*args, **kwargs)
            report(stage, self._done, self._total)

        def update(self, n: float | None = 1) -> bool | None:
            self._done += int(n or 0)
            report(stage, self._done, self._total)
            return super().update(n)

    return _Forward
