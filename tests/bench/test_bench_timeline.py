"""bench_timeline on a small catalog: it lists every photo by date and reaches the oldest."""

from __future__ import annotations

import pytest

from bench import bench_timeline

# The offscreen platform warns when a top-level window's size constraints change (as in
# tests/gui/conftest.py); any other Qt warning still fails.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_the_timeline_bench_measures_a_small_catalog(qtbot, tmp_path):
    m = bench_timeline.measure(tmp_path, 600)
    assert m["photos"] == 600 and m["approximate"] == 60  # one in ten has no capture date
    assert m["ended_on"].endswith(("2010", "2011"))  # scrolled down to the oldest photos
    assert m["gui_open_s"] > 0 and m["max_stall_ms"] >= 0 and m["jump_ms_max"] > 0
