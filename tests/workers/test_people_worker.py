"""PeopleWorker's own behaviour (the People section's flows are in tests/gui/test_people.py)."""

from __future__ import annotations

import pytest

from photoalbum.core.errors import LibraryLockedError
from photoalbum.workers.messages import LibraryOptions
from photoalbum.workers.people_worker import PeopleWorker
from photoalbum.workers.threads import WorkerThread
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


def test_the_library_opens_at_the_first_command_and_a_refusal_is_a_message(qtbot):
    attempts: list[bool] = []

    def factory(options, background):  # type: ignore[no-untyped-def]
        attempts.append(background)
        raise LibraryLockedError("the library is being written by photoalbum index (pid 1)")

    worker = PeopleWorker(factory, LibraryOptions())
    thread = WorkerThread(worker, "test-people")
    thread.start()
    try:
        assert attempts == []  # nothing opens before it is needed
        with wait_worker_signal(qtbot, worker.failed, 5000) as failed:
            worker.refresh()
        assert "being written" in failed.args[0]
        with wait_worker_signal(qtbot, worker.failed, 5000):
            worker.rename(1, "Ada")  # still alive: the next command tries again
        assert attempts == [True, True]
    finally:
        assert thread.stop(5000)
