"""Tests for the whole-app RSS bench's /proc readers (Linux only)."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from bench.bench_app_rss import _children, _kind, _rollup_mb, smaps_breakdown

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_mappings_are_sorted_into_kinds() -> None:
    assert _kind("").startswith("anonymous")
    assert _kind("[heap]").startswith("anonymous")
    assert _kind("[stack]") == "other kernel mappings"
    assert _kind("/m/random_x/text.int8.onnx.data") == "model file text.int8.onnx.data"
    assert _kind("/lib/index/random_x.hnsw") == "vector index file"
    assert _kind("/lib/catalog.sqlite3-shm") == "SQLite catalog"
    assert _kind("/usr/lib/libQt6Core.so.6") == "shared libraries (code)"


def test_breakdown_of_this_process_adds_up_and_sees_new_heap() -> None:
    before = smaps_breakdown(os.getpid())
    block = np.ones(64 * 2**20 // 8)  # 64 MB touched
    after = smaps_breakdown(os.getpid())
    anon = next(k for k in after if k.startswith("anonymous"))
    assert after[anon]["rss_mb"] - before.get(anon, {"rss_mb": 0.0})["rss_mb"] >= 60
    total = sum(v["rss_mb"] for v in after.values())
    assert abs(total - _rollup_mb(os.getpid())["rss_mb"]) <= 0.05 * total
    assert list(after) == sorted(after, key=lambda k: -after[k]["rss_mb"])
    del block


def test_children_lists_a_child_process() -> None:
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert proc.pid in _children(os.getpid())
    finally:
        proc.kill()
        proc.wait()
