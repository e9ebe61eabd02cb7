"""Events from capture times: adaptive gaps, titles, dominant scene, bad times."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from photoalbum.core.scenes.events import (
    EventParams,
    boundaries,
    date_range_titles,
    group_events,
    to_seconds,
)
from photoalbum.core.scenes.naming import FALLBACK_EN, FALLBACK_ZH

T0 = datetime(2024, 3, 12, 9, 0, 0)


def _planted_events(seed: int) -> tuple[np.ndarray, np.ndarray, list[set[int]]]:
    """Bursts of 5–60 photos (gaps ~1 min, some up to ~15 min) separated by 4 h – 20 days."""
    rng = np.random.default_rng(seed)
    t = (T0 - datetime(1970, 1, 1)).total_seconds()
    times, truth, next_id = [], [], 100
    for _ in range(25):
        size = int(rng.integers(5, 60))
        gaps = rng.lognormal(mean=np.log(60), sigma=1.0, size=size - 1)
        ts = t + np.concatenate(([0.0], np.cumsum(gaps)))
        times.extend(ts)
        truth.append(set(range(next_id, next_id + size)))
        next_id += size
        t = ts[-1] + rng.uniform(4 * 3600, 20 * 86400)
    ids = np.arange(100, next_id)
    order = rng.permutation(len(ids))  # input order must not matter
    return ids[order], np.asarray(times)[order], truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_events_are_recovered(seed: int) -> None:
    ids, times, truth = _planted_events(seed)
    events = group_events(ids, times)
    assert [set(e.photo_ids) for e in events] == truth
    assert all(e.start <= e.end for e in events)
    assert all(a.end < b.start for a, b in zip(events[:-1], events[1:], strict=True))


def test_gap_is_judged_against_the_local_rhythm() -> None:
    """The same 3-hour gap splits a burst shot a minute apart, not a day shot every 2–3 hours."""
    minute_burst = np.concatenate([np.arange(30) * 60.0, 29 * 60 + 3 * 3600 + np.arange(30) * 60.0])
    assert list(boundaries(minute_burst)) == [30]
    slow = np.cumsum([0, 2.5, 2, 3, 2.5, 3, 2, 2.5, 3, 2, 3, 2.5]) * 3600.0
    assert list(boundaries(slow)) == []
    # Never split below min_gap (a 40-minute lunch in a minute-by-minute burst)...
    lunch = np.concatenate([np.arange(30) * 60.0, 29 * 60 + 2400 + np.arange(30) * 60.0])
    assert list(boundaries(lunch)) == []
    # ...always split at max_gap, even for someone who shoots once a day.
    daily = np.concatenate(
        [np.arange(20) * 86400.0, 19 * 86400 + 3 * 86400 + np.arange(5) * 86400.0]
    )
    assert list(boundaries(daily)) == [20]
    assert list(boundaries(daily, EventParams(max_gap=4 * 86400))) == []


def test_time_formats_and_bad_times() -> None:
    every = EventParams(min_photos=1)  # single photos too: this is about reading the times
    dt = [T0, None, T0 + timedelta(minutes=5), datetime(1, 1, 1), T0 + timedelta(days=30)]
    events = group_events(np.arange(5), dt, params=every)
    assert [e.photo_ids for e in events] == [(0, 2), (4,)]
    as64 = np.array(["2024-03-12T09:00:00", "NaT", "2024-03-12T09:05:00"], dtype="datetime64[s]")
    assert [e.photo_ids for e in group_events([7, 8, 9], as64, params=every)] == [(7, 9)]
    secs = to_seconds(np.array([0.0, np.nan, np.inf, 1.7e9, -1e12]))
    assert np.isnan(secs[[1, 2, 4]]).all() and secs[3] == 1.7e9
    assert to_seconds(np.array(["x"], dtype=object)).tolist() == [
        pytest.approx(np.nan, nan_ok=True)
    ]
    assert group_events(np.zeros(0, int), np.zeros(0)) == []
    with pytest.raises(ValueError):
        group_events([1, 2], [0.0])


def test_an_event_holds_at_least_three_photos() -> None:
    base = (T0 - datetime(1970, 1, 1)).total_seconds()
    day = 86400.0
    # A lone photo, a pair, a trio and a burst of five, each a week apart.
    times = [base, base + 7 * day, base + 7 * day + 60]
    times += [base + 14 * day + m * 60 for m in range(3)]
    times += [base + 21 * day + m * 60 for m in range(5)]
    events = group_events(np.arange(len(times)), times)
    assert EventParams().min_photos == 3
    assert [e.photo_ids for e in events] == [(3, 4, 5), (6, 7, 8, 9, 10)]
    # The rule is a parameter: two photos make an event when asked for.
    pairs = group_events(np.arange(len(times)), times, params=EventParams(min_photos=2))
    assert [len(e.photo_ids) for e in pairs] == [2, 3, 5]


def test_event_ids_and_order() -> None:
    base = (T0 - datetime(1970, 1, 1)).total_seconds()
    events = group_events([5, 3, 4], [base + 60, base, base + 30])
    assert len(events) == 1
    e = events[0]
    assert e.photo_ids == (3, 4, 5)
    assert e.id == "ev-20240312-090000-3"
    assert (e.start, e.end) == (T0, T0 + timedelta(minutes=1))


@pytest.mark.parametrize(
    ("start", "end", "en", "zh"),
    [
        (datetime(2024, 3, 12, 9), datetime(2024, 3, 12, 18), "12 Mar 2024", "2024年3月12日"),
        (datetime(2024, 3, 12), datetime(2024, 3, 14), "12–14 Mar 2024", "2024年3月12日–14日"),
        (
            datetime(2024, 3, 28),
            datetime(2024, 4, 2),
            "28 Mar – 2 Apr 2024",
            "2024年3月28日–4月2日",
        ),
        (
            datetime(2023, 12, 30),
            datetime(2024, 1, 2),
            "30 Dec 2023 – 2 Jan 2024",
            "2023年12月30日–2024年1月2日",
        ),
    ],
)
def test_titles(start: datetime, end: datetime, en: str, zh: str) -> None:
    assert date_range_titles(start, end) == (en, zh)


def test_dominant_scene_names_the_event() -> None:
    base = (T0 - datetime(1970, 1, 1)).total_seconds()
    ids = np.arange(10)
    times = base + ids * 60.0
    names = {0: ("Beach", "海滩"), 1: ("Beach", "海滩"), 2: ("Beach", "海滩"), 3: ("Food", "美食")}
    e = group_events(ids, times, scene_names=names)[0]
    assert (e.title_en, e.title_zh) == ("12 Mar 2024 · Beach", "2024年3月12日 · 海滩")
    # Below the share (2 of 10 < 30 %): no scene in the title.
    e = group_events(ids, times, scene_names={0: "Beach", 1: "Beach"})[0]
    assert e.title_en == "12 Mar 2024"
    # "Similar photos" never names an event.
    fallback = dict.fromkeys(range(8), (FALLBACK_EN, FALLBACK_ZH))
    fallback.update({8: ("Cats", "猫"), 9: ("Cats", "猫")})
    assert group_events(ids, times, scene_names=fallback)[0].title_en == "12 Mar 2024"
    fallback[7] = ("Cats", "猫")
    assert group_events(ids, times, scene_names=fallback)[0].title_zh == "2024年3月12日 · 猫"
