"""Tests for mapping vector-store labels to items and moments."""

from __future__ import annotations

import numpy as np

from photoalbum.core.moments import MomentIndex
from photoalbum.core.ports import MOMENT_LABEL_BASE as B


def test_labels_map_to_items_and_times() -> None:
    # video 7: moments at 0 s (label 7), 4 s and 9 s; video 9: 0 s and 2 s
    idx = MomentIndex(
        np.asarray([7, 9, B + 1, B + 2, B + 5], dtype=np.int64),
        np.asarray([7, 9, 7, 7, 9], dtype=np.int64),
        np.asarray([0.0, 0.0, 4.0, 9.0, 2.0]),
    )
    labels = np.asarray([3, B + 2, 9, B + 5, B + 99], dtype=np.int64)
    assert idx.items_of(labels).tolist() == [3, 7, 9, 9, B + 99]
    times = idx.times_of(labels)
    assert np.isnan(times[0]) and times[1:4].tolist() == [9.0, 0.0, 2.0] and np.isnan(times[4])
    assert idx.labels_of(np.asarray([3, 7])).tolist() == [3, 7, B + 1, B + 2]
    assert idx.labels_of(np.asarray([], dtype=np.int64)).tolist() == []


def test_no_videos_is_the_identity() -> None:
    idx = MomentIndex.empty()
    ids = np.asarray([1, 2, 5], dtype=np.int64)
    assert idx.items_of(ids).tolist() == [1, 2, 5]
    assert np.isnan(idx.times_of(ids)).all()
    assert idx.labels_of(ids).tolist() == [1, 2, 5]
    assert len(idx) == 0


def test_label_near_is_the_videos_moment_closest_to_a_time() -> None:
    idx = MomentIndex(
        np.asarray([7, 9, B + 1, B + 2, B + 5], dtype=np.int64),
        np.asarray([7, 9, 7, 7, 9], dtype=np.int64),
        np.asarray([0.0, 0.0, 4.0, 9.0, 2.0]),
    )
    assert idx.label_near(7, 4.0) == B + 1
    assert idx.label_near(7, 8.2) == B + 2
    assert idx.label_near(7, 0.4) == 7
    assert idx.label_near(9, 3.0) == B + 5
    assert idx.label_near(3, 0.0) is None  # a photo
    assert MomentIndex.empty().label_near(7, 0.0) is None
