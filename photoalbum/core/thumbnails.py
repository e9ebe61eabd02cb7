"""The thumbnail cache: one JPEG per content fingerprint under the library's thumbnail dir."""

from __future__ import annotations

import os
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
        """True when a whole thumbnail for this content is cached. A garbled or cut-off file
        counts as missing, so the indexer makes it again instead of keeping it forever."""
        return _looks_like_jpeg(self.path_for(fingerprint))

    def put(self, fingerprint: str, jpeg: bytes) -> Path:
        """Store a thumbnail atomically (temp file + rename, no fsync: it can be rebuilt), so readers
        never see half a file."""
        target = self.path_for(fingerprint)
        write_atomically(target, jpeg, durable=False)  # a cache: no fsync
        return target

    def get(self, fingerprint: str) -> bytes | None:
        """The cached JPEG bytes, or None (also for a garbled file)."""
        try:
            data = self.path_for(fingerprint).read_bytes()
        except OSError:
            return None
        return data if data[:3] == _SOI and data[-2:] == _EOI else None


_SOI = b"\xff\xd8\xff"  # start of image, then the first marker
_EOI = b"\xff\xd9"  # end of image: a thumbnail cut short lacks it


def _looks_like_jpeg(path: Path) -> bool:
    """A cheap whole-JPEG check (its first and last bytes), not a decode: the indexer asks for
    every photo it decodes."""
    try:
        with path.open("rb") as f:
            head = f.read(3)
            if head != _SOI:
                return False
            f.seek(-2, os.SEEK_END)
            return f.read(2) == _EOI
    except OSError:
        return False
