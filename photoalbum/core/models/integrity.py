"""SHA-256 of a prepared model's files: recorded when it is prepared or installed, checked at load.

Hashing a model's towers takes seconds, so a check's result is cached per file, keyed by size and
``mtime_ns``, in a small file in the model folder (written atomically): a later start-up only
``stat``s the files, and a file that was replaced, truncated or rewritten is hashed again. A
mismatch is a :class:`ModelFilesDamagedError` saying how to repair; it never triggers an implicit
re-preparation or download.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from photoalbum.core.errors import ModelDamagedError
from photoalbum.core.models.manifest import MANIFEST_NAME, Manifest

logger = logging.getLogger(__name__)

#: The verification cache in the model folder: {file: {"size", "mtime_ns", "sha256"}}.
CACHE_NAME = ".verified.json"
UNVERIFIED_WARNING = (
    "UNVERIFIED files: this model's manifest records no SHA-256 of its files (prepared or "
    "installed by an older version), so damaged files cannot be detected; install or prepare "
    "it again to record them"
)


class ModelFilesDamagedError(ModelDamagedError):
    """A prepared model's file is missing or differs from the SHA-256 its manifest records."""


def sha256_file(path: Path, chunk: int = 4 * 1024 * 1024) -> str:
    """The hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def recordable_files(directory: Path) -> list[str]:
    """The model's own files in directory: every regular file but the manifest, hidden files
    (this cache, locks) and temp files."""
    return sorted(
        p.name
        for p in Path(directory).iterdir()
        if p.is_file()
        and not p.is_symlink()
        and p.name != MANIFEST_NAME
        and not p.name.startswith(".")
        and not p.name.endswith(".tmp")
    )


def record(directory: Path, manifest: Manifest) -> dict[str, str]:
    """Hash every file of the model in directory into ``manifest.files_sha256`` (the caller
    saves the manifest) and seed the cache; returns the record."""
    hashes: dict[str, str] = {}
    cache: dict[str, dict[str, Any]] = {}
    for name in recordable_files(directory):
        path = Path(directory) / name
        digest = sha256_file(path)
        hashes[name] = digest
        cache[name] = _entry(path, digest)
    manifest.files_sha256 = hashes
    _write_cache(Path(directory), cache)
    return hashes


def verify(directory: Path, manifest: Manifest, trust_cache: bool = True) -> bool:
    """Check the files the manifest records; False when it records none (an older model).

    trust_cache False hashes every file whatever the cache says (a fresh copy); the cache is
    rewritten either way when a file was hashed.

    Raises:
        ModelFilesDamagedError: a recorded file is missing or its SHA-256 differs.
    """
    recorded = manifest.files_sha256
    if not recorded:
        return False
    directory = Path(directory)
    cache = _read_cache(directory) if trust_cache else {}
    fresh: dict[str, dict[str, Any]] = {}
    changed = False
    for name, want in sorted(recorded.items()):
        path = directory / name
        try:
            st = path.stat()
        except FileNotFoundError:
            raise ModelFilesDamagedError(
                _damaged(directory, manifest, name, "it is missing")
            ) from None
        entry = cache.get(name)
        if (
            isinstance(entry, dict)
            and entry.get("size") == st.st_size
            and entry.get("mtime_ns") == st.st_mtime_ns
            and entry.get("sha256") == want
        ):
            fresh[name] = entry
            continue
        logger.info("checking the SHA-256 of %s", path)
        got = sha256_file(path)
        if got != want:
            raise ModelFilesDamagedError(
                _damaged(
                    directory, manifest, name, f"its SHA-256 is {got}, the manifest records {want}"
                )
            )
        fresh[name] = _entry(path, got)
        changed = True
    if changed:
        _write_cache(directory, fresh)
    return True


def _damaged(directory: Path, manifest: Manifest, name: str, why: str) -> str:
    model = manifest.name
    return (
        f"model {model} is damaged: {directory / name} — {why}. Nothing was changed. Repair it "
        f"by installing it again: 'photoalbum --model {model} model install' (download) or "
        f"'photoalbum --model {model} model install FOLDER_OR_ARCHIVE' (replaces the damaged "
        f"copy), or delete {directory} and run 'photoalbum model prepare {model}'"
    )


def _entry(path: Path, digest: str) -> dict[str, Any]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}


def _read_cache(directory: Path) -> dict[str, Any]:
    try:
        data = json.loads((directory / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}  # absent or unreadable: everything is hashed again
    return data if isinstance(data, dict) else {}


def _write_cache(directory: Path, cache: dict[str, dict[str, Any]]) -> None:
    """Temp file, fsync, rename; a read-only model folder just goes without a cache."""
    path = directory / CACHE_NAME
    tmp = path.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(cache, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        logger.info("cannot write the verification cache in %s: %s", directory, exc)
