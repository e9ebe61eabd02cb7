"""Tests for which file-system events make the watcher rescan."""

from __future__ import annotations

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from photoalbum.core.watch import _Handler, is_relevant_event


@pytest.mark.parametrize(
    ("event", "relevant"),
    [
        (DirModifiedEvent("/p/2024"), False),  # only echoes a change inside the folder
        (DirModifiedEvent(b"/p/\xff"), False),
        (DirCreatedEvent("/p/new"), True),
        (DirDeletedEvent("/p/old"), True),
        (DirMovedEvent("/p/a", "/p/b"), True),
        (FileCreatedEvent("/p/IMG_1.JPG"), True),
        (FileModifiedEvent("/p/a.heic"), True),
        (FileDeletedEvent("/p/a.png"), True),
        (FileClosedEvent("/p/a.jpg"), True),  # written and closed
        (FileMovedEvent("/p/.a.jpg.part", "/p/a.jpg"), True),  # a download finishing
        (FileMovedEvent("/p/a.jpg", "/p/a.jpg.bak"), True),  # a photo going away
        (FileModifiedEvent(b"/p/\xff.jpg"), True),  # non-UTF-8 names are photos too
        (FileModifiedEvent("/p/notes.txt"), False),
        (FileCreatedEvent("/p/.a.jpg.part"), False),
        (FileOpenedEvent("/p/a.jpg"), False),
        (FileClosedNoWriteEvent("/p/a.jpg"), False),
    ],
)
def test_relevant_events(event: object, relevant: bool) -> None:
    assert is_relevant_event(event) is relevant


def test_handler_notifies_only_for_relevant_events() -> None:
    calls: list[int] = []
    handler = _Handler(lambda: calls.append(1))
    handler.on_any_event(DirModifiedEvent("/p"))
    handler.on_any_event(FileModifiedEvent("/p/x.txt"))
    assert calls == []
    handler.on_any_event(FileCreatedEvent("/p/x.jpg"))
    assert calls == [1]
