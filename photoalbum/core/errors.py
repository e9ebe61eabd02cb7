"""Error kinds: expected problems a person can act on, apart from bugs."""

from __future__ import annotations


class PhotoAlbumError(Exception):
    """Base class of every error photoalbum raises on purpose."""


class KnownError(PhotoAlbumError):
    """An expected problem of the environment or input, with a message a person can act on.

    Examples: the library is locked by another writer, the disk is full, a model is not prepared
    and we are offline. Front ends show the message and exit / show a dialog; no traceback.
    """


class UserError(KnownError):
    """The user asked for something that cannot be done as asked (bad query, unknown model)."""


class LibraryLockedError(KnownError):
    """Another process holds this library's writer lock."""


class ModelNotAvailableError(KnownError):
    """A model is not prepared and cannot be prepared now (offline, missing file)."""


class ModelDamagedError(ModelNotAvailableError):
    """A prepared model's folder is there but unusable (manifest unreadable, files missing or
    garbled): never prepared again implicitly; the message says how to repair it."""


class OfflineError(ModelNotAvailableError):
    """A download was needed but the network (or the hub) is not reachable."""


class DiskFullError(KnownError):
    """A file could not be written because its disk (or the user's quota) is full; the previous
    file is kept, and a run after space is freed completes."""


class SchemaError(KnownError):
    """The catalog's schema is newer than this program, or otherwise unusable."""


class PhotoDecodeError(PhotoAlbumError):
    """One photo could not be read; ``reason`` is recorded in the catalog and the photo skipped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BugError(PhotoAlbumError):
    """An internal invariant was broken: a bug, surfaced loudly."""
