"""The thumbnail cache: one JPEG per content fingerprint under the library's thumbnail dir."""

from __future__ import annotations

from pathlib import Path

from photoalbum.core.durable import write_atomically


class ThumbnailCache:
    """Thumbnails keyed by content fingerprint, so a moved or copied photo reuses its thumbnail."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, fingerprint: str) -> Path:
        """Where the thumbnail of this content lives (it may not exist yet)."""
        return self.root / fingerprint[:2] / f"{fingerprint}.jpg"

    def has(self, fingerprint: str) -> bool:
        """True when a thumbnail for this content is cached."""
        return self.path_for(fingerprint).is_file()

    def put(self, fingerprint: str, jpeg: bytes) -> Path:
        """Store a thumbnail atomically (temp file + rename, no fsync: it can be rebuilt), so readers
        never see half a file."""
        target = self.path_for(fingerprint)
        write_atomically(target, jpeg, durable=False)  # a cache: no fsync
        return target

    def get(self, fingerprint: str) -> bytes | None:
        """The cached JPEG bytes, or None."""
        try:
            return self.path_for(fingerprint).read_bytes()
        except OSError:
            return None
