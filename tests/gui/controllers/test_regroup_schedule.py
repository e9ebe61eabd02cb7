"""RegroupSchedule: regroup on every change outside a run, every ten minutes during one, at its end."""

from __future__ import annotations

from photoalbum.gui.controllers.regroup_schedule import (
    SCENES_EVERY_WHILE_INDEXING,
    RegroupSchedule,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_outside_a_run_every_change_regroups():
    clock = Clock()
    schedule = RegroupSchedule(clock=clock)
    assert not schedule.running
    assert schedule.photos_changed()
    assert schedule.photos_changed()  # no rate limit: the worker coalesces these itself


def test_during_a_run_at_most_every_ten_minutes_and_always_at_its_end():
    clock = Clock()
    schedule = RegroupSchedule(clock=clock)
    assert schedule.every == SCENES_EVERY_WHILE_INDEXING == 600.0
    schedule.run_started()
    assert schedule.running
    clock.now += 1
    assert not schedule.photos_changed()  # a run's first minutes are not regrouped
    clock.now += 598
    assert not schedule.photos_changed()
    clock.now += 1  # 600 s after the start
    assert schedule.photos_changed()
    clock.now += 300
    assert not schedule.photos_changed()  # counted from the last regrouping, not the start
    clock.now += 300
    assert schedule.photos_changed()
    clock.now += 5
    assert schedule.run_finished()  # the end always regroups
    assert not schedule.running
    assert schedule.photos_changed()  # and after it, every change again


def test_a_new_run_starts_its_own_quiet_period():
    clock = Clock()
    schedule = RegroupSchedule(every=10.0, clock=clock)
    schedule.run_started()
    clock.now += 20
    assert schedule.run_finished()
    schedule.run_started()
    clock.now += 5
    assert not schedule.photos_changed()
    clock.now += 5
    assert schedule.photos_changed()
