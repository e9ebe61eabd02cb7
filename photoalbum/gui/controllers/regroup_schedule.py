"""When the side panel's groups are recomputed while indexing adds photos: now and then, and at
the run's end."""

from __future__ import annotations

import time
from collections.abc import Callable

#: While indexing runs, scenes regroup at most this often (seconds); always when a run ends.
SCENES_EVERY_WHILE_INDEXING = 600.0


class RegroupSchedule:
    """Says when photos added or changed should make the scenes worker regroup.

    Outside an indexing run every change regroups (the worker coalesces them). During a run,
    at most one regrouping every ``every`` seconds, the first one ``every`` seconds after the run
    started: each regrouping is redone by the next batch, and its numpy work and tower loads take
    the GIL from the GUI thread (measured: 120 ms window stalls with the indexing itself in a
    child process). The run's end always regroups.

    Args:
        every: seconds between two regroupings while a run adds photos.
        clock: monotonic seconds (tests pass their own).
    """

    def __init__(
        self,
        every: float = SCENES_EVERY_WHILE_INDEXING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every = every
        self._clock = clock
        self._running = False
        self._asked_at = 0.0  # when a regrouping was last asked for

    @property
    def running(self) -> bool:
        """True between a run's start and its end."""
        return self._running

    def run_started(self) -> None:
        """An indexing run started: its first ``every`` seconds are not regrouped."""
        self._running = True
        self._asked_at = self._clock()

    def photos_changed(self) -> bool:
        """Photos were added or changed: True when that should regroup now."""
        now = self._clock()
        if self._running and now - self._asked_at < self.every:
            return False
        self._asked_at = now
        return True

    def run_finished(self) -> bool:
        """The run ended (finished or cancelled): always True, its end regroups."""
        self._running = False
        return True
