"""``install_model``: a registry name (download), a folder or an archive → a model in the store."""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photoalbum.core.errors import ModelNotAvailableError, UserError
from photoalbum.core.models.registry import ModelSpec
from photoalbum.core.models.store import ModelFilesDamagedError, ModelStore, PreparedModel
from photoalbum.install import archive, hub, readymade, trust

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]

_EXTRACT_PREFIX = ".extract-"
#: An extraction folder without a process id (older versions named them so) is left alone for
#: this long: no install runs for a day, so one that old was left by a killed process.
STALE_EXTRACT_SECONDS = 24 * 3600


def install_model(
    store: ModelStore,
    spec: ModelSpec,
    source: str | Path | None = None,
    on_progress: ProgressFn | None = None,
) -> PreparedModel:
    """Install spec into the store from its ready-made download (source None), a folder or an
    archive. A folder/archive may hold our prepared layout or immich's ONNX layout. An
    installed copy whose files fail their SHA-256 check is replaced (install is the repair);
    extraction folders that killed installs left behind are removed first.

    Raises:
        OfflineError: the download is needed and the hub can't be reached.
        ChecksumError: a downloaded file differs from the registry's or the hub's checksum.
        UnsafeSourceError: the folder or archive names paths outside itself, holds links or
            special files, or is over the size cap.
        ModelNotAvailableError / UserError: the folder or archive is not a usable model.
    """
    if store.downloads_dir.is_dir():
        remove_stale_extractions(store.downloads_dir)
    if source is None:
        existing = _installed(store, spec)
        if existing is not None:
            return existing
        return _install_download(store, spec, on_progress)
    path = Path(source).expanduser()
    if path.is_dir():
        return _install_folder(store, spec, path, on_progress)
    if path.is_file() and archive.is_archive(path):
        store.downloads_dir.mkdir(parents=True, exist_ok=True)
        # The pid in the name tells a later install whether this folder is still in use.
        tmp = store.downloads_dir / f"{_EXTRACT_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
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


def remove_stale_extractions(downloads_dir: Path, now: float | None = None) -> list[Path]:
    """Remove the extraction folders that killed installs left behind; returns them.

    A folder named with a process id is stale once that process is gone (a live one is another
    install still extracting); one without (older versions) once it is a day old.
    """
    removed = []
    now = time.time() if now is None else now
    for entry in sorted(Path(downloads_dir).glob(f"{_EXTRACT_PREFIX}*")):
        pid_text, _, rest = entry.name[len(_EXTRACT_PREFIX) :].partition("-")
        if rest and pid_text.isdigit():
            stale = int(pid_text) != os.getpid() and not _process_alive(int(pid_text))
        else:
            try:
                stale = now - entry.lstat().st_mtime > STALE_EXTRACT_SECONDS
            except FileNotFoundError:
                continue
        if stale:
            logger.info("removing %s, left by an interrupted install", entry)
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:  # e.g. Windows refuses signal 0 for a pid that is gone
        return False
    return True


def _installed(store: ModelStore, spec: ModelSpec) -> PreparedModel | None:
    """The installed copy of spec, or None when there is none or it is damaged (an install is
    how a damaged copy is repaired: it is replaced)."""
    try:
        return store.get(spec)
    except ModelFilesDamagedError as exc:
        logger.warning("the installed copy will be replaced: %s", exc)
        return None


def _check_source(folder: Path, root: Path) -> None:
    """The archive path's rules for a folder (a model root found one level down may not be a
    link out of it either)."""
    if root != folder and root.is_symlink():
        raise trust.UnsafeSourceError(f"{root} is a link; a model holds plain files and folders")
    trust.check_folder(root)


def _install_folder(
    store: ModelStore,
    spec: ModelSpec,
    folder: Path,
    on_progress: ProgressFn | None,
    move: bool = False,
) -> PreparedModel:
    prepared = readymade.find_prepared_root(folder)
    if prepared is not None:
        # The same rules as an archive's entries: nothing outside, no links, a size cap.
        _check_source(folder, prepared)
        return store.import_prepared(prepared, spec)
    layout = readymade.find_layout_root(folder)
    if layout is not None:
        _check_source(folder, layout)
    if layout is None:
        raise ModelNotAvailableError(
            f"{folder} holds no model: expected a prepared model (manifest.json) or an ONNX "
            f"export in immich's layout (visual/model.onnx, textual/model.onnx, "
            f"textual/tokenizer.json, config.json)"
        )
    existing = _installed(store, spec)
    if existing is not None:
        return existing
    source: dict[str, Any] = {"kind": "ready-made", "path": str(folder), "verified": False}

    def adopt(spec_: ModelSpec, out_dir: Path, _dl: Path, progress: ProgressFn | None) -> None:
        readymade.adopt(folder, out_dir, spec_, source=source, move=move, on_progress=progress)

    store.models_dir.mkdir(parents=True, exist_ok=True)
    return store.ensure(spec, adopt, on_progress, repair=True)


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
                "UNVERIFIED download: neither the registry nor the hub gives a checksum for "
                + ", ".join(got.unverified)
                + " (the checksums computed here are in 'source')"
            )
            manifest.save(out_dir)

    store.models_dir.mkdir(parents=True, exist_ok=True)
    store.downloads_dir.mkdir(parents=True, exist_ok=True)
    return store.ensure(spec, download_and_adopt, on_progress, repair=True)
