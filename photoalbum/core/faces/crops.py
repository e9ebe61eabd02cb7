"""FaceCrops: the small face JPEGs under the library's ``faces/`` dir (a cache, never photos)."""

from __future__ import annotations

import shutil
from pathlib import Path

from photoalbum.core.durable import write_atomically


class FaceCrops:
    """Face crops by name; names are ``<bucket>/<photo id>-<n>.jpg``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @staticmethod
    def name_for(photo_id: int, n: int) -> str:
        """The crop name of face ``n`` of a photo."""
        return f"{photo_id % 997:03d}/{photo_id}-{n}.jpg"

    def path(self, name: str) -> Path:
        """Where a crop lives (it may not exist)."""
        return self.root / name

    def put(self, name: str, jpeg: bytes) -> None:
        """Write a crop atomically (temp file + rename; no fsync: crops can be rebuilt)."""
        target = self.path(name)
        write_atomically(target, jpeg, durable=False)  # a cache: no fsync

    def get(self, name: str | None) -> bytes | None:
        """The crop's bytes, or None."""
        if not name:
            return None
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def wipe(self) -> None:
        """Delete every crop (the folder is a cache of the faces pass)."""
        shutil.rmtree(self.root, ignore_errors=True)
