"""``install_model``: a registry name (download), a folder or an archive → a model in the store."""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photoalbum.core.errors import ModelNotAvailableError, UserError
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.store import ModelStore, PreparedModel
from photoalbum.install import archive, hub, readymade

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]


def install_model(
    store: ModelStore,
    spec: ModelSpec,
    source: str | Path | None = None,
    on_progress: ProgressFn | None = None,
) -> PreparedModel:
    """Install spec into the store from its ready-made download (source None), a folder or an
    archive. A folder/archive may hold our prepared layout or immich's ONNX layout.

    Raises:
        OfflineError: the download is needed and the hub can't be reached.
        ChecksumError: a downloaded file is not the one the registry records.
        ModelNotAvailableError / UserError: the folder or archive is not a usable model.
    """
    if source is None:
        existing = store.get(spec)
        if existing is not None:
            return existing
        return _install_download(store, spec, on_progress)
    path = Path(source).expanduser()
    if path.is_dir():
        return _install_folder(store, spec, path, on_progress)
    if path.is_file() and archive.is_archive(path):
        store.downloads_dir.mkdir(parents=True, exist_ok=True)
        tmp = store.downloads_dir / f".extract-{uuid.uuid4().hex[:8]}"
        try:
            if on_progress is not None:
                on_progress(f"extracting {path.name}", 0, 0)
            archive.extract_archive(path, tmp)
            return _install_folder(store, spec, tmp, on_progress, move=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if path.is_file():
        raise UserError(
            f"{path} is not a folder or an archive ({', '.join(archive.ARCHIVE_SUFFIXES)}); an "
            f"open_clip checkpoint file is imported with 'photoalbum model import FILE'"
        )
    raise UserError(f"no such file or folder: {source}")


def _install_folder(
    store: ModelStore, spec: ModelSpec, folder: Path, on_progress: ProgressFn | None,
    move: bool = False,
) -> PreparedModel:
    prepared = readymade.find_prepared_root(folder)
    if prepared is not None:
        return store.import_prepared(prepared, spec)
    if readymade.find_layout_root(folder) is None:
        raise ModelNotAvailableError(
            f"{folder} holds no model: expected a prepared model (manifest.json) or an ONNX "
            f"export in immich's layout (visual/model.onnx, textual/model.onnx, "
            f"textual/tokenizer.json, config.json)"
        )
    existing = store.get(spec)
    if existing is not None:
        return existing
    source: dict[str, Any] = {"kind": "ready-made", "path": str(folder), "verified": False}

    def adopt(spec_: ModelSpec, out_dir: Path, _dl: Path, progress: ProgressFn | None) -> None:
        readymade.adopt(folder, out_dir, spec_, source=source, move=move, on_progress=progress)

    store.models_dir.mkdir(parents=True, exist_ok=True)
    return store.ensure(spec, adopt, on_progress)


def _install_download(
    store: ModelStore, spec: ModelSpec, on_progress: ProgressFn | None
) -> PreparedModel:
    if spec.ready_made is None:
        raise ModelNotAvailableError(
            f"{spec.name} has no ready-made download; prepare it ('photoalbum model prepare "
            f"{spec.name}', needs the 'prepare' extra) or install a folder/archive"
        )

    def download_and_adopt(
        spec_: ModelSpec, out_dir: Path, downloads_dir: Path, progress: ProgressFn | None
    ) -> None:
        got = hub.download_ready_made(spec_, downloads_dir, progress)
        source = got.source()
        readymade.adopt(got.root, out_dir, spec_, source=source, move=True, on_progress=progress)
        if got.unverified:
            from photoalbum.core.models.manifest import Manifest

            manifest = Manifest.load(out_dir)
            manifest.warnings.append(
                "UNVERIFIED download: the registry records no SHA-256 for "
                + ", ".join(got.unverified)
                + " (the checksums computed here are in 'source')"
            )
            manifest.save(out_dir)

    store.models_dir.mkdir(parents=True, exist_ok=True)
    store.downloads_dir.mkdir(parents=True, exist_ok=True)
    return store.ensure(spec, download_and_adopt, on_progress)
