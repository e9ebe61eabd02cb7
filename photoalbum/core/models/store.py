"""The prepared-model store: one directory per model, prepared once under a lock, swapped in atomically."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from photoalbum.core.durable import fsync_dir, fsync_file
from photoalbum.core.errors import ModelDamagedError, ModelNotAvailableError
from photoalbum.core.models import integrity
from photoalbum.core.models.integrity import ModelFilesDamagedError
from photoalbum.core.models.manifest import PRECISIONS, TOWERS, Manifest, ManifestError
from photoalbum.core.models.registry import ModelSpec

logger = logging.getLogger(__name__)

#: (stage message, done, total); total 0 means "unknown / indeterminate".
ProgressFn = Callable[[str, int, int], None]

#: OSErrors that are the environment's fault (disk full, read-only, no permission), not bugs.
_ENVIRONMENT_ERRNOS = {
    getattr(errno, n) for n in ("ENOSPC", "EACCES", "EPERM", "EROFS", "EDQUOT") if hasattr(errno, n)
}
_TMP_PREFIX = ".tmp-"
_OLD_PREFIX = ".old-"
RANDOM_LABEL = "RANDOM WEIGHTS: for tests and benchmarks only; search results are meaningless"


class Preparer(Protocol):
    """Builds a prepared model (manifest.json, ONNX towers, tokenizer.json) in out_dir.

    The store passes the four arguments by position (positional-only here), so an implementation
    may name them as it likes and may take more, keyword-only, with defaults.
    """

    def __call__(
        self,
        spec: ModelSpec,
        out_dir: Path,
        downloads_dir: Path,
        on_progress: ProgressFn | None,
        /,
    ) -> None: ...


class PreparedModel:
    """A prepared model directory: its manifest, ONNX towers and tokenizer file.

    Attributes:
        path: the model directory.
        manifest: its parsed manifest.
        model_key: stable id of the vectors it makes ("arch/pretrained" or "random:ARCH").
        dim: embedding dimension.
        random_weights: True for random-weights models (results meaningless).
    """

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = path
        self.manifest = manifest
        self.model_key = manifest.model_key
        self.dim = manifest.dim
        self.random_weights = manifest.random_weights

    @classmethod
    def open(cls, path: Path) -> PreparedModel:
        """Load and check a prepared directory; raises ManifestError if it is unusable."""
        manifest = Manifest.load(path)
        model = cls(path, manifest)
        missing = [
            name
            for tower in manifest.towers.values()
            for name in tower.files.values()
            if not (path / name).is_file()
        ]
        if not (path / manifest.text.tokenizer_file).is_file():
            missing.append(manifest.text.tokenizer_file)
        if missing:
            raise ManifestError(f"{path}: missing files {', '.join(sorted(missing))}")
        return model

    def verify(self) -> bool:
        """Check the files against the SHA-256 the manifest records (cached by size and
        mtime); False when it records none (an older model: sizes only).

        Raises:
            ModelFilesDamagedError: a file is missing or differs (the message says how to repair).
        """
        return integrity.verify(self.path, self.manifest)

    @property
    def name(self) -> str:
        """The spec name it was prepared for ("xlm-roberta-base-ViT-B-32", "random:tiny-clip")."""
        return self.manifest.name

    def tower_file(self, tower: str, precision: str) -> Path:
        """The ONNX file of a tower at a precision ("fp32" | "int8")."""
        info = self.manifest.towers[tower]
        if precision not in info.files:
            raise ModelNotAvailableError(
                f"model {self.name} has no {precision} {tower} tower "
                f"(available: {', '.join(sorted(info.files))})"
            )
        return self.path / info.files[precision]

    def info(self) -> dict[str, Any]:
        """A JSON-able summary: towers, precisions, agreement figures, sizes, random label."""
        m = self.manifest
        towers: dict[str, Any] = {}
        total = 0
        for tower, t in m.towers.items():
            files = {}
            for prec, name in t.files.items():
                size = _size(self.path / name)
                total += size
                files[prec] = {"file": name, "bytes": size}
            towers[tower] = {
                "default_precision": t.default_precision,
                "decision": t.decision,
                "files": files,
                "verify_vs_torch": t.verify,
                "int8_agreement": t.agreement,
                "speed": t.speed,
            }
        total += _size(self.path / m.text.tokenizer_file)
        return {
            "name": m.name,
            "model_key": m.model_key,
            "arch": m.arch,
            "pretrained": m.pretrained,
            "path": str(self.path),
            "dim": m.dim,
            "random_weights": m.random_weights,
            "label": RANDOM_LABEL if m.random_weights else None,
            "input_size": m.image.input_size,
            "context_length": m.text.context_length,
            "dynamic_text_length": m.text.dynamic_length,
            "tokenizer": {
                "source": m.text.tokenizer_source,
                "random": m.text.tokenizer_random,
                "check": m.text.tokenizer_check,
            },
            "towers": towers,
            "size_bytes": total,
            "created": m.created,
            "prepare_seconds": m.prepare_seconds,
            "versions": m.versions,
            "warnings": list(m.warnings)
            + ([] if m.files_sha256 else [integrity.UNVERIFIED_WARNING]),
            "files_verified": bool(m.files_sha256),
            "source": dict(m.source),
            "int8_self_check": dict(m.self_check),
        }


class ModelStore:
    """Prepared models under ``models_dir`` (shared by every library of the user).

    A model is prepared into a hidden temp directory and renamed into place only once complete,
    under an inter-process lock, so a crashed or concurrent preparation is never picked up.
    """

    def __init__(self, models_dir: Path, downloads_dir: Path) -> None:
        self.models_dir = Path(models_dir)
        self.downloads_dir = Path(downloads_dir)

    def path_for(self, spec: ModelSpec) -> Path:
        """Where spec's prepared directory lives (whether prepared or not)."""
        return self.models_dir / spec.slug

    def get(self, spec: ModelSpec, verify: bool = True) -> PreparedModel | None:
        """The prepared model for spec, or None when it is not (completely) prepared.

        With verify, its files are checked against the manifest's SHA-256 (cached by size and
        mtime, so this is a few ``stat`` calls once checked).

        Raises:
            ModelFilesDamagedError: a file differs from its recorded SHA-256. The model is not
                prepared again implicitly: the message says how to repair.
        """
        path = self.path_for(spec)
        if not path.is_dir():
            return None
        try:
            model = PreparedModel.open(path)
        except ManifestError as exc:
            logger.warning("ignoring prepared model %s: %s", spec.name, exc)
            return None
        if model.model_key != spec.model_key:
            logger.warning(
                "ignoring %s: prepared for %s, not %s", path, model.model_key, spec.model_key
            )
            return None
        if verify and not model.verify():
            logger.debug("%s records no checksums: its files are unverified", path)
        return model

    def load(self, spec: ModelSpec) -> PreparedModel | None:
        """The prepared model for spec (files verified), None when it was never prepared.

        Raises:
            ModelDamagedError: its folder is there but unusable (manifest unreadable, files
                missing or differing from their SHA-256, prepared for another model). It is
                never prepared again implicitly: the message says how to repair it.
        """
        path = self.path_for(spec)
        if not path.is_dir() or not any(path.iterdir()):  # an empty folder holds nothing to lose
            return None
        try:
            model = PreparedModel.open(path)
        except ManifestError as exc:
            raise ModelDamagedError(self._damaged_message(spec, str(exc))) from None
        if model.model_key != spec.model_key:
            raise ModelDamagedError(
                self._damaged_message(spec, f"it holds {model.model_key}, not {spec.model_key}")
            )
        if not model.verify():
            logger.debug("%s records no checksums: its files are unverified", path)
        return model

    def _damaged_message(self, spec: ModelSpec, why: str) -> str:
        return (
            f"model {spec.name} is damaged ({why}). Nothing was changed. Repair it with "
            f"'photoalbum model prepare --force {spec.name}' (or install it again: "
            f"'photoalbum --model {spec.name} model install'), or delete "
            f"{self.path_for(spec)} and run 'photoalbum model prepare {spec.name}'"
        )

    def _get_or_repair(self, spec: ModelSpec, repair: bool) -> PreparedModel | None:
        try:
            return self.load(spec)
        except ModelDamagedError as exc:
            if not repair:
                raise
            logger.warning("replacing a damaged copy of %s: %s", spec.name, exc)
            return None

    def installed(self) -> list[PreparedModel]:
        """Every usable prepared model, by directory name."""
        if not self.models_dir.is_dir():
            return []
        found = []
        for entry in sorted(self.models_dir.iterdir()):
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            try:
                found.append(PreparedModel.open(entry))
            except ManifestError as exc:
                logger.info("skipping %s: %s", entry, exc)
        return found

    def import_prepared(self, source: Path, spec: ModelSpec) -> PreparedModel:
        """Copy an already prepared model folder (manifest + ONNX towers + tokenizer) into the store.

        The folder is checked first (complete, and made for ``spec``); the copy lands under a
        temp name and is renamed into place, so a failed copy is never picked up. Its files are
        checked against the SHA-256 its manifest records (recorded now when it has none); a
        damaged copy already in the store is replaced.

        Raises:
            ModelNotAvailableError: the folder is not a complete prepared model for ``spec``.
        """
        try:
            model = PreparedModel.open(Path(source))
        except ManifestError as exc:
            raise ModelNotAvailableError(f"cannot import {source}: {exc}") from None
        if model.model_key != spec.model_key:
            raise ModelNotAvailableError(
                f"cannot import {source}: it holds {model.model_key}, not {spec.model_key}"
            )

        def copy_into(
            spec_: ModelSpec, out_dir: Path, _dl: Path, on_progress: ProgressFn | None
        ) -> None:
            for item in Path(source).iterdir():
                # hidden files (the source's own verification cache) are not the model's
                if item.is_file() and not item.name.startswith("."):
                    shutil.copy2(item, out_dir / item.name)

        existing = self._get_or_repair(spec, repair=True)
        if existing is not None:
            return existing
        return self.ensure(spec, copy_into, repair=True)

    def ensure(
        self,
        spec: ModelSpec,
        preparer: Preparer | None,
        on_progress: ProgressFn | None = None,
        repair: bool = False,
    ) -> PreparedModel:
        """The prepared model for spec, preparing it first if needed.

        Only a model that was never prepared (no folder) is prepared. A damaged one (manifest
        unreadable, files missing or failing their SHA-256 check) is prepared again, replacing
        its folder, only with ``repair`` (an explicit install or ``model prepare --force``);
        without it that is a ModelDamagedError and the folder is left untouched.

        Raises:
            ModelNotAvailableError: not prepared and no preparer (or preparation failed for a
                reason a person can act on, e.g. OfflineError).
            ModelDamagedError: the prepared copy is damaged and repair is False.
        """
        model = self._get_or_repair(spec, repair)
        if model is not None:
            return model
        if preparer is None:
            raise ModelNotAvailableError(
                f"model {spec.name} is not prepared, and preparing it needs the 'prepare' extra "
                f"(torch, open_clip): install it with pip install 'photoalbum[prepare]' and run "
                f"'photoalbum model prepare {spec.name}' (or prepare it on another machine and "
                f"copy {self.path_for(spec).name!r} into {self.models_dir})"
            )
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
            return self._ensure_locked(spec, preparer, on_progress, repair)
        except OSError as exc:
            if exc.errno in _ENVIRONMENT_ERRNOS:  # disk full, read-only, no permission
                raise ModelNotAvailableError(
                    f"cannot prepare {spec.name} in {self.models_dir}: {exc.strerror or exc}"
                ) from exc
            raise

    def _ensure_locked(
        self, spec: ModelSpec, preparer: Preparer, on_progress: ProgressFn | None, repair: bool
    ) -> PreparedModel:
        lock = FileLock(str(self.models_dir / f".{spec.slug}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            logger.info("another process is preparing %s; waiting for it", spec.name)
            if on_progress is not None:
                on_progress(f"waiting for another process preparing {spec.name}", 0, 0)
            lock.acquire()
        try:
            model = self._get_or_repair(spec, repair)  # prepared by another process meanwhile
            if model is not None:
                return model
            return self._prepare_locked(spec, preparer, on_progress)
        finally:
            lock.release()

    def _prepare_locked(
        self, spec: ModelSpec, preparer: Preparer, on_progress: ProgressFn | None
    ) -> PreparedModel:
        # Leftovers of a crashed preparation of this model: safe to remove, we hold its lock.
        for stale in self.models_dir.glob(f"{_TMP_PREFIX}{spec.slug}-*"):
            logger.info("removing unfinished preparation %s", stale)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = self.models_dir / f"{_TMP_PREFIX}{spec.slug}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(mode=0o700)
        final = self.path_for(spec)
        try:
            preparer(spec, tmp, self.downloads_dir, on_progress)
            _record_checksums(tmp)
            model = PreparedModel.open(tmp)  # complete and consistent before it gets its name
            if model.model_key != spec.model_key:
                raise ManifestError(
                    f"preparer wrote model key {model.model_key!r}, expected {spec.model_key!r}"
                )
            _fsync_tree(tmp)
            if final.exists():  # an unusable earlier preparation: move it aside, then drop it
                old = self.models_dir / f"{_OLD_PREFIX}{spec.slug}-{uuid.uuid4().hex[:8]}"
                os.rename(final, old)
                shutil.rmtree(old, ignore_errors=True)
            os.rename(tmp, final)
            fsync_dir(self.models_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        logger.info("prepared %s in %s", spec.name, final)
        return PreparedModel.open(final)


def _record_checksums(directory: Path) -> None:
    """Record the SHA-256 of every file of a freshly written model, or, when its manifest already
    records them (an imported prepared folder), check the copy against them."""
    manifest = Manifest.load(directory)
    if manifest.files_sha256:
        integrity.verify(directory, manifest, trust_cache=False)  # also seeds the cache
        return
    integrity.record(directory, manifest)
    manifest.save(directory)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fsync_tree(path: Path) -> None:
    for entry in path.iterdir():
        if entry.is_file():
            fsync_file(entry)
    fsync_dir(path)


__all__ = [
    "PRECISIONS",
    "TOWERS",
    "ModelDamagedError",
    "ModelFilesDamagedError",
    "ModelStore",
    "PreparedModel",
    "Preparer",
    "ProgressFn",
]
