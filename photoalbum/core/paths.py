"""Every directory photoalbum uses, from one object (platformdirs defaults, env and flag overrides)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "photoalbum"

#: Environment overrides. ``PHOTOALBUM_HOME`` is the library dir; ``PHOTOALBUM_MODELS`` is the shared
#: prepared-models dir; ``PHOTOALBUM_CACHE`` holds downloads (pretrained weights) before preparation.
ENV_HOME = "PHOTOALBUM_HOME"
ENV_MODELS = "PHOTOALBUM_MODELS"
ENV_CACHE = "PHOTOALBUM_CACHE"


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@dataclass(frozen=True)
class Paths:
    """Where a library and the shared model store live.

    Attributes:
        library: the library dir: catalog, vector index, thumbnail cache, lock file.
        models: prepared models, shared by every library of this user.
        downloads: downloaded pretrained weights and tokenizers (resumable partial files).
    """

    library: Path
    models: Path
    downloads: Path

    @classmethod
    def resolve(
        cls,
        library: str | os.PathLike[str] | None = None,
        models: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> Paths:
        """Build paths from explicit arguments, then environment, then platform defaults."""
        env = dict(os.environ) if env is None else env
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        cache = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
        lib = _chosen(library, env, ENV_HOME, data / "library")
        mdl = _chosen(models, env, ENV_MODELS, data / "models")
        dl = _chosen(None, env, ENV_CACHE, cache / "downloads")
        return cls(
            library=lib.expanduser().absolute(),
            models=mdl.expanduser().absolute(),
            downloads=dl.expanduser().absolute(),
        )

    # Library contents -------------------------------------------------------------------------
    @property
    def catalog(self) -> Path:
        """The SQLite catalog (source of truth)."""
        return self.library / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        """Derived vector index files (one per model)."""
        return self.library / "index"

    @property
    def thumbnails(self) -> Path:
        """Grid thumbnails, keyed by content fingerprint."""
        return self.library / "thumbnails"

    @property
    def faces(self) -> Path:
        """Face crops of the People feature (a cache; wiped with the face data)."""
        return self.library / "faces"

    @property
    def decode_journal(self) -> Path:
        """The photos an indexing run is decoding (present only while one runs or after it died)."""
        return self.library / "decoding.journal"

    @property
    def lock_file(self) -> Path:
        """The one-writer-per-library lock."""
        return self.library / "writer.lock"

    # Shared model files ---------------------------------------------------------------------------
    @property
    def ocr_models(self) -> Path:
        """The OCR models rewritten for the CPU, made from rapidocr's on first need (a cache)."""
        return self.models / "ocr"

    def ensure_library(self) -> None:
        """Create the library's directories (private to the user)."""
        for p in (self.library, self.index_dir, self.thumbnails):
            _private_dir(p)

    def ensure_models(self) -> None:
        """Create the shared model and download directories."""
        _private_dir(self.models)
        _private_dir(self.downloads)


def _chosen(
    given: str | os.PathLike[str] | None, env: dict[str, str], var: str, default: Path
) -> Path:
    """``given`` if set, else the environment variable ``var`` if set, else ``default``."""
    if given:
        return Path(given)
    if env.get(var):
        return Path(env[var])
    return default
