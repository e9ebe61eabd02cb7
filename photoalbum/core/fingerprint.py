"""Content fingerprints that let a moved or renamed photo keep its embedding and metadata."""

from __future__ import annotations

import hashlib
import logging
import os

from photoalbum.core.scanning import open_regular

logger = logging.getLogger(__name__)

#: Bytes hashed from the start and from the end of a file. Changing these (or the layout below)
#: changes every fingerprint: catalogs would stop recognising moved photos.
HEAD_BYTES = 64 * 1024
TAIL_BYTES = 64 * 1024


def fingerprint(path: str, size: int | None = None) -> str:
    """BLAKE2b-128 (hex) over the file size, its first 64 KiB and its last 64 KiB.

    Layout: size as 8 bytes little-endian, then the head, then — for files longer than the
    head — the last ``TAIL_BYTES`` that do not overlap the head. Files up to 128 KiB are thus
    hashed whole. Reads at most 128 KiB, read-only, and never opens FIFOs or devices.

    Args:
        path: the file.
        size: the size the scan saw. The open file's actual size is what gets hashed, so a file
            that changed since the scan gets the fingerprint of its current content.

    Raises:
        OSError: the file cannot be read (NotRegularFileError for FIFOs, devices, folders).
    """
    with open_regular(path) as f:
        actual = os.fstat(f.fileno()).st_size
        if size is not None and size != actual:
            logger.debug("size of %r changed since scan: %d → %d", path, size, actual)
        h = hashlib.blake2b(digest_size=16)
        h.update(actual.to_bytes(8, "little"))
        h.update(f.read(HEAD_BYTES))
        if actual > HEAD_BYTES:
            f.seek(max(HEAD_BYTES, actual - TAIL_BYTES))
            h.update(f.read(TAIL_BYTES))
        return h.hexdigest()
