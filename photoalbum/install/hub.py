"""Download a ready-made model's files from a hub repository: progress, resume, checksums.

The repository's own file listing (with its metadata, at one resolved commit) says what to
fetch: ``config.json`` and the files of each tower folder (``visual/``, ``textual/``: the
graph, its external-data side files, tokenizer and preprocessing files; not other runtimes'
formats or subfolders). Files land in ``downloads/ready-made/<repo>/`` through huggingface_hub
(which keeps a partial file and resumes it on the next attempt). Each file is then checked
against the registry's SHA-256 if it records one, else the hub's (an LFS file's SHA-256, a
small file's git blob id); only a file with neither is reported UNVERIFIED.
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
from photoalbum.install import trust

logger = logging.getLogger(__name__)

#: A hub mirror to download from (an organisation's mirror; tests use a local server). The same
#: variable as the torch-side weights download (photoalbum.prepare.download).
ENV_HUB_ENDPOINT = "PHOTOALBUM_HUB_ENDPOINT"
DEFAULT_ENDPOINT = "https://huggingface.co"

#: (stage, done, total) — bytes for downloads.
ProgressFn = Callable[[str, int, int], None]

#: The folders of immich's layout whose files an install fetches.
TOWER_FOLDERS = ("visual", "textual")
#: Files in those folders that other runtimes use (ARM NN, RKNN, TF Lite, Core ML).
OTHER_RUNTIMES = (".armnn", ".rknn", ".tflite", ".mlmodel", ".mlpackage")


class ChecksumError(ModelNotAvailableError):
    """A downloaded file differs from the checksum the registry or the hub gives for it."""


@dataclass
class Downloaded:
    """The files of one ready-made download.

    Attributes:
        root: the folder holding them in the repo's layout.
        sha256: file → its SHA-256 as computed here.
        checked_by: file → what it was checked against ("registry sha256", "hub lfs sha256",
            "hub git blob id").
        unverified: files neither the registry nor the hub gives a checksum for.
        repo/revision/endpoint: where they came from; commit: the revision resolved to a commit.
    """

    root: Path
    sha256: dict[str, str] = field(default_factory=dict)
    checked_by: dict[str, str] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)
    repo: str = ""
    revision: str = ""
    commit: str = ""
    endpoint: str = ""

    def source(self) -> dict[str, Any]:
        """The manifest's ``source`` record."""
        return {
            "kind": "ready-made",
            "repo": self.repo,
            "revision": self.revision,
            "commit": self.commit,
            "endpoint": self.endpoint,
            "files": dict(self.sha256),
            "checked_by": dict(self.checked_by),
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
    """Download (or resume) the files spec's ready-made repo lists for its towers, and check
    each against the registry's or the hub's checksum.

    Raises:
        ModelNotAvailableError: spec has no ready-made download, or the repo holds no towers.
        OfflineError: the hub can't be reached (message says how to install from a file).
        ChecksumError: a file differs from its checksum (the file is deleted, so the next
            attempt downloads it again).
    """
    from huggingface_hub import HfApi, hf_hub_download

    ready = spec.ready_made
    if ready is None:
        raise ModelNotAvailableError(f"{spec.name} has no ready-made ONNX download")
    root = Path(downloads_dir) / "ready-made" / ready.repo.replace("/", "__")
    root.mkdir(parents=True, exist_ok=True)
    ep = os.environ.get(ENV_HUB_ENDPOINT) or None
    try:
        info = HfApi(endpoint=ep).model_info(
            ready.repo, revision=ready.revision, files_metadata=True
        )
    except Exception as exc:  # connection / HTTP / repository errors of several kinds
        raise OfflineError(offline_message(spec, ready, exc)) from exc
    commit = info.sha or ready.revision
    listing = {s.rfilename: s for s in info.siblings or []}
    wanted = select_files(ready.repo, listing)
    result = Downloaded(
        root=root, repo=ready.repo, revision=ready.revision, commit=commit, endpoint=endpoint()
    )
    registry = {name: sha for name, sha in ready.files if sha}
    supports_tqdm = "tqdm_class" in inspect.signature(hf_hub_download).parameters
    for name in wanted:
        stage = f"downloading {name}"
        kwargs: dict[str, Any] = {}
        if supports_tqdm and on_progress is not None:
            kwargs["tqdm_class"] = _progress_bar(stage, on_progress)
        try:
            logger.info("downloading %s/%s at %s", ready.repo, name, commit)
            path = Path(
                hf_hub_download(
                    repo_id=ready.repo,
                    filename=name,
                    revision=commit,  # every file from the one commit the listing describes
                    local_dir=str(root),
                    endpoint=ep,
                    **kwargs,
                )
            )
        except Exception as exc:  # connection / HTTP / local-entry errors of several kinds
            raise OfflineError(offline_message(spec, ready, exc)) from exc
        if on_progress is not None:
            on_progress(f"checking {name}", 0, 0)
        _check(result, ready.repo, name, path, registry.get(name), listing[name])
    _check_side_files(root, wanted)
    return result


def select_files(repo: str, listing: dict[str, Any]) -> list[str]:
    """The listed files an install needs: config.json and each tower folder's own files.

    Raises:
        ModelNotAvailableError: the repo lacks a tower graph or lists an unsafe name.
    """
    wanted = []
    for name in sorted(listing):
        rel = trust.member_path(name)  # a listing naming "../x" or "/x" is refused
        parts = rel.parts if rel is not None else ()
        if parts == ("config.json",) or (
            len(parts) == 2
            and parts[0] in TOWER_FOLDERS
            and not parts[1].lower().endswith(OTHER_RUNTIMES)
        ):
            wanted.append(name)
    missing = [f"{t}/model.onnx" for t in TOWER_FOLDERS if f"{t}/model.onnx" not in wanted]
    if "config.json" not in wanted:
        missing.append("config.json")
    if missing:
        raise ModelNotAvailableError(
            f"{repo} does not hold an export in immich's layout: no {', '.join(missing)}"
        )
    return wanted


def _git_blob_id(path: Path) -> str:
    """git's SHA-1 of a file as a blob (what the hub lists for files not stored in LFS)."""
    h = hashlib.sha1(usedforsecurity=False)
    h.update(f"blob {path.stat().st_size}\0".encode())
    with open(path, "rb") as f:
        while block := f.read(4 * 1024 * 1024):
            h.update(block)
    return h.hexdigest()


def _check(
    result: Downloaded, repo: str, name: str, path: Path, registry: str | None, sibling: Any
) -> None:
    digest = sha256_file(path)
    result.sha256[name] = digest
    lfs = getattr(sibling, "lfs", None)
    lfs_sha = lfs.get("sha256") if isinstance(lfs, dict) else getattr(lfs, "sha256", None)
    blob = getattr(sibling, "blob_id", None)
    if registry:
        how, want, got = "registry sha256", registry.lower(), digest
    elif lfs_sha:
        how, want, got = "hub lfs sha256", str(lfs_sha).lower(), digest
    elif blob:
        how, want, got = "hub git blob id", str(blob).lower(), _git_blob_id(path)
    else:
        result.unverified.append(name)
        logger.warning(
            "UNVERIFIED: neither the registry nor the hub gives a checksum for %s/%s; "
            "downloaded file has sha256 %s",
            repo,
            name,
            digest,
        )
        return
    if got != want:
        path.unlink(missing_ok=True)
        raise ChecksumError(
            f"{name} from {repo} is not the expected file: {how} {want}, the download's "
            f"{got}. It was deleted; install again to download it afresh (a mirror or proxy may be serving a "
            f"different file)."
        )
    result.checked_by[name] = how


def _check_side_files(root: Path, wanted: list[str]) -> None:
    """Each tower's external-data references must name files that were downloaded."""
    from photoalbum.install.readymade import external_data_files

    for tower in TOWER_FOLDERS:
        graph = root / tower / "model.onnx"
        missing = [f for f in external_data_files(graph) if f"{tower}/{f}" not in wanted]
        if missing:
            raise ModelNotAvailableError(
                f"{tower}/model.onnx keeps its weights in {', '.join(missing)}, which the "
                f"repository does not list"
            )


def _progress_bar(stage: str, report: ProgressFn) -> type:
    """A silent tqdm class for huggingface_hub that forwards byte counts to report."""
    from tqdm import tqdm

    class _Forward(tqdm):
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
