"""PhotoActions: what the trash's answer says, in English and in Chinese (one message each)."""

from __future__ import annotations

import pytest

from photoalbum.gui.controllers.photo_actions import PhotoActions
from photoalbum.library.trash import TrashReport
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui


def _actions(said: list[str], removed: list[list[int]]) -> PhotoActions:
    return PhotoActions(
        window=None,  # type: ignore[arg-type]  (the trash's answer needs no window, grid…)
        grid_model=None,  # type: ignore[arg-type]
        search_bar=None,  # type: ignore[arg-type]
        index_worker=None,  # type: ignore[arg-type]
        open_url=lambda url: None,
        confirm=lambda title, text: False,
        open_viewer=lambda row: None,
        show_message=lambda text, ms: said.append(text),
        photos_removed=removed.append,
    )


def test_the_trash_answer_says_what_moved_and_what_stayed(qapp):
    said: list[str] = []
    removed: list[list[int]] = []
    actions = _actions(said, removed)
    actions.trashed(TrashReport(trashed=["/p/a.jpg"], trashed_ids=[7]))
    assert removed == [[7]] and said[-1] == "Moved 1 file to the trash"
    report = TrashReport(
        trashed=["/p/a.jpg", "/p/b.jpg"],
        failed=[("/p/c.jpg", "read-only")],
        trashed_ids=[7, 8],
    )
    actions.trashed(report)
    assert said[-1] == "Moved 2 files to the trash; 1 file could not be moved (c.jpg: read-only)"
    with chinese_ui():
        actions.trashed(report)
    assert said[-1] == "已将 2 个文件移到回收站；1 个文件无法移动（c.jpg：read-only）"
