"""Hands heap memory that a finished job freed back to the operating system (glibc keeps it)."""

from __future__ import annotations

import ctypes
import sys
import time


def release_freed_memory() -> float | None:
    """Run glibc's ``malloc_trim(0)``; the seconds it took, or None where there is no glibc.

    Freed heap pages stay in the process after a big job (the scene grouping of 100k photos
    built and dropped ~100 MB of small objects): measured on the app at 100k photos, trimming
    afterwards took its RSS from 967 to 845 MB.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # another C library (musl)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    t0 = time.perf_counter()
    trim(0)  # ctypes lets go of the GIL meanwhile
    return time.perf_counter() - t0
