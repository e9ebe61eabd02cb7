"""Events: photos grouped by capture time into bursts, split at gaps that are long for the library."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from photoalbum.core.scenes.naming import FALLBACK_EN

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Times outside these bounds are broken clocks or bad EXIF, not photos: they join no event.
_MIN_SECONDS = (datetime(1826, 1, 1) - _EPOCH).total_seconds()
_MAX_SECONDS = (datetime(2200, 1, 1) - _EPOCH).total_seconds()


@dataclass(frozen=True)
class Event:
    """Photos taken close together in time.

    Attributes:
        id: ``ev-<start as YYYYmmdd-HHMMSS>-<first photo id>``: the same while the event's first
            photo stays the same.
        start/end: first and last capture time (naive local time, as in EXIF).
        photo_ids: in capture order.
        title_en/title_zh: the date range, plus " · <scene>" when one scene dominates.
    """

    id: str
    start: datetime
    end: datetime
    photo_ids: tuple[int, ...]
    title_en: str
    title_zh: str


@dataclass(frozen=True)
class EventParams:
    """How gaps become event boundaries (adaptive, after Platt et al.'s PhotoTOC).

    A gap splits two events when it is ``factor`` times longer than the typical gap around it
    (geometric mean of the ``window`` gaps either side, itself included), so a burst of photos a
    minute apart splits at a 20-minute pause while photos taken days apart split only at weeks.
    Gaps shorter than ``min_gap`` seconds never split; gaps of ``max_gap`` seconds or more
    always do. A scene names the event when it holds at least ``min_share`` of its photos.

    A run of fewer than ``min_photos`` photos is no event: one photo (or two) taken apart from
    the rest is a moment, while "an event" reads as an occasion told in a few pictures — three
    is the fewest that show a before, a during and an after. Such photos are in no event (the
    CLI's ``events`` and the app list the same ones).
    """

    factor: float = 17.0
    window: int = 10
    min_gap: float = 2 * 3600.0
    max_gap: float = 2 * 86400.0
    min_share: float = 0.3
    min_photos: int = 3


def to_seconds(times: np.ndarray | Sequence[object]) -> np.ndarray:
    """Capture times as float seconds since 1970-01-01 (naive); NaN where missing or absurd.

    Accepts ``datetime64`` (any unit; NaT = missing), numbers (seconds; NaN = missing), or a
    sequence of ``datetime``/None.
    """
    arr = np.asarray(times)
    if arr.dtype == object:
        out = np.full(len(arr), np.nan)
        for i, t in enumerate(arr):
            if isinstance(t, datetime):
                out[i] = (t.replace(tzinfo=None) - _EPOCH).total_seconds()
            elif isinstance(t, (int, float, np.integer, np.floating)) and not isinstance(t, bool):
                out[i] = float(t)
    elif np.issubdtype(arr.dtype, np.datetime64):
        valid = ~np.isnat(arr)
        out = np.full(arr.shape, np.nan)
        out[valid] = arr[valid].astype("datetime64[ms]").astype(np.int64) / 1000.0
    elif np.issubdtype(arr.dtype, np.number):
        out = arr.astype(np.float64)
    else:
        out = np.full(arr.shape, np.nan)
    out = out.ravel()
    with np.errstate(invalid="ignore"):
        out[~((out >= _MIN_SECONDS) & (out < _MAX_SECONDS))] = np.nan
    return out


def boundaries(seconds_sorted: np.ndarray, params: EventParams | None = None) -> np.ndarray:
    """Indices i (into the sorted times) where a new event starts, i ≥ 1."""
    p = params or EventParams()
    gaps = np.diff(seconds_sorted)
    if len(gaps) == 0:
        return np.zeros(0, dtype=np.int64)
    logs = np.log(np.maximum(gaps, 1.0))
    csum = np.concatenate(([0.0], np.cumsum(logs)))
    idx = np.arange(len(gaps))
    lo = np.maximum(idx - p.window, 0)
    hi = np.minimum(idx + p.window + 1, len(gaps))
    typical = np.exp((csum[hi] - csum[lo]) / (hi - lo))
    bar = np.clip(p.factor * typical, p.min_gap, p.max_gap)
    return np.flatnonzero(gaps >= bar) + 1


def group_events(
    ids: np.ndarray,
    times: np.ndarray | Sequence[object],
    *,
    scene_names: Mapping[int, str | tuple[str, str]] | None = None,
    params: EventParams | None = None,
) -> list[Event]:
    """Group photos into events by capture time, oldest first (runs of fewer than
    ``params.min_photos`` photos are left out).

    Args:
        ids: photo ids.
        times: capture time per id (see :func:`to_seconds`); photos without a usable time are
            left out.
        scene_names: photo id → scene name, either one string or (English, Chinese); photos
            named "Similar photos" do not name events.
        params: the gap rule.
    """
    p = params or EventParams()
    id_arr = np.asarray(ids).ravel()
    secs = to_seconds(times)
    if id_arr.shape[0] != secs.shape[0]:
        raise ValueError(f"{len(id_arr)} ids but {len(secs)} times")
    keep = np.isfinite(secs)
    if not keep.all():
        logger.info("events: %d photos without a usable time left out", int((~keep).sum()))
    id_arr = id_arr[keep].astype(np.int64)
    secs = secs[keep]
    order = np.lexsort((id_arr, secs))
    id_arr, secs = id_arr[order], secs[order]
    cuts = np.concatenate(([0], boundaries(secs, p), [len(secs)])).astype(np.int64)
    events = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if b - a < max(1, p.min_photos):
            continue  # too few photos for an event (the gaps still split around them)
        members = tuple(int(i) for i in id_arr[a:b])
        start = _EPOCH + timedelta(seconds=float(secs[a]))
        end = _EPOCH + timedelta(seconds=float(secs[b - 1]))
        en, zh = date_range_titles(start, end)
        scene = _dominant_scene(members, scene_names, p.min_share)
        if scene is not None:
            en, zh = f"{en} · {scene[0]}", f"{zh} · {scene[1]}"
        events.append(Event(f"ev-{start:%Y%m%d-%H%M%S}-{members[0]}", start, end, members, en, zh))
    return events


def date_range_titles(start: datetime, end: datetime) -> tuple[str, str]:
    """("12–14 Mar 2024", "2024年3月12日–14日") style titles for a date range."""
    s, e = start.date(), end.date()
    s_en = f"{s.day} {_MONTHS[s.month - 1]}"
    if s == e:
        return f"{s_en} {s.year}", f"{s.year}年{s.month}月{s.day}日"
    if (s.year, s.month) == (e.year, e.month):
        return (
            f"{s.day}–{e.day} {_MONTHS[s.month - 1]} {s.year}",
            f"{s.year}年{s.month}月{s.day}日–{e.day}日",
        )
    e_en = f"{e.day} {_MONTHS[e.month - 1]} {e.year}"
    if s.year == e.year:
        return f"{s_en} – {e_en}", f"{s.year}年{s.month}月{s.day}日–{e.month}月{e.day}日"
    return (
        f"{s_en} {s.year} – {e_en}",
        f"{s.year}年{s.month}月{s.day}日–{e.year}年{e.month}月{e.day}日",
    )


def _dominant_scene(
    members: tuple[int, ...], names: Mapping[int, str | tuple[str, str]] | None, min_share: float
) -> tuple[str, str] | None:
    if not names:
        return None
    votes: Counter[tuple[str, str]] = Counter()
    for pid in members:
        name = names.get(pid)
        if name is None:
            continue
        pair = (name, name) if isinstance(name, str) else (str(name[0]), str(name[1]))
        if pair[0] and pair[0] != FALLBACK_EN:
            votes[pair] += 1
    if not votes:
        return None
    # Most votes; ties broken by name so the title does not depend on dict order.
    pair, count = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    return pair if count >= min_share * len(members) else None
