"""Tests for handing freed heap memory back to the operating system."""

from __future__ import annotations

import platform
import sys

import pytest

from photoalbum.workers.memory import release_freed_memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_freed_heap_goes_back_to_the_system() -> None:
    # Many mid-sized blocks (glibc's heap, not Python's small-object arenas), one in 50 kept:
    # the holes stay in the process until trimmed.
    blocks = [bytearray(4000) for _ in range(50_000)]
    kept = blocks[::50]
    allocated = _rss_mb()
    del blocks
    freed = _rss_mb()
    assert allocated - freed < 20  # freeing alone gives (almost) nothing back: the holes stay
    took = release_freed_memory()
    assert took is not None and took >= 0
    assert freed - _rss_mb() > 50  # of the ~200 MB freed
    del kept  # held until here so that the freed blocks were holes, not the top of the heap


@pytest.mark.skipif(GLIBC, reason="only where there is no glibc")
def test_without_glibc_nothing_happens() -> None:
    assert release_freed_memory() is None
