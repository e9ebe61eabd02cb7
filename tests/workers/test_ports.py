"""The workers' view of the library: the real Library and the test fake both provide it."""

from __future__ import annotations

import inspect

from photoalbum.library import Library
from photoalbum.workers.ports import WorkerLibrary
from tests.workers.fake_library import FakeLibrary

# Checked by mypy: a call the workers make that the Library lacks (or the fake gets wrong) is a
# type error here, not a silently empty answer at run time.
_REAL: type[WorkerLibrary] = Library
_FAKE: type[WorkerLibrary] = FakeLibrary


def _members(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_the_library_has_every_call_the_workers_make() -> None:
    wanted = {
        name
        for name, _ in inspect.getmembers(WorkerLibrary)
        if not name.startswith("_") and name in WorkerLibrary.__dict__
    }
    assert wanted >= {"photos", "text_lines", "index", "search", "people_service"}
    # Library sets spec, models, paths, albums, places and corrections in __init__: not class
    # members.
    wanted -= {"spec", "models", "paths", "albums", "places", "corrections"}
    assert wanted <= _members(Library)
