"""The real app's Scenes / Events / Duplicates sections: click → grid, group + text → filtered search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoalbum.core.vectorstore import HnswStore
from photoalbum.gui.controllers.navigation import DUPLICATES, EXPLORE
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.main_window import PAGE_LIBRARY
from photoalbum.qt import Qt, QtCore
from tests.gui.test_main_window import Harness
from tests.support.photos import SAMPLES, make_sample_photos, snapshot

pytestmark = pytest.mark.gui


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "Photos"
    make_sample_photos(folder, SAMPLES[:5])
    make_sample_photos(folder, SAMPLES[5:8], burst=True)  # one event of three
    # Two near-duplicate sets: a resized re-encoding and a recompressed copy.
    Image.open(folder / "astronaut.jpg").resize((200, 200)).save(
        folder / "astronaut small.jpg", quality=70
    )
    Image.open(folder / "coffee.jpg").save(folder / "coffee copy.jpg", quality=60)
    return folder


@pytest.fixture
def app(qtbot, tiny_paths, tmp_path, photos):
    h = Harness(qtbot, tiny_paths, tmp_path, scenes_interval=0.5)
    report = h.add_folder_and_wait(photos)
    assert report.indexed == 10
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(10)
    yield h
    h.close()


def _click_row(h: Harness, kind: str, row: int) -> None:
    """Click a group's tile on the Explore page (its row in the Duplicates list)."""
    w = h.window
    if kind == "duplicates":
        w.go_to(DUPLICATES)
    else:
        w.go_to(EXPLORE)
        w.library_page.explore.show_tab(kind)
    view = h.window.group_lists[kind].view
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    with h.qtbot.waitSignal(h.window.results_shown, timeout=20000):
        h.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _grid_ids(h: Harness) -> list[int]:
    return h.window.grid_model.ids.tolist()


def _wait_groups(h: Harness) -> None:
    """Until every section lists groups covering the whole library."""
    models = h.window.group_models

    def ready() -> bool:
        scenes = models["scene"].groups()
        events = models["event"].groups()
        dups = [g for g in models["duplicates"].groups() if g.key != "dup-all"]
        return bool(scenes) and [g.count for g in events] == [3] and len(dups) == 2

    h.qtbot.waitUntil(ready, timeout=60000)


def test_sections_list_groups_and_a_click_shows_their_photos(app, photos):
    h = app
    before = snapshot(photos)
    _wait_groups(h)
    w = h.window
    scenes = w.group_models["scene"].groups()
    assert all(g.cover is not None for g in scenes)
    assert "scene" in w.group_lists["scene"].summary.text()
    # Covers come through the thumbnail cache.
    model = w.group_models["scene"]
    model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    h.qtbot.waitUntil(
        lambda: (
            model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not model._placeholder
        ),
        timeout=5000,
    )

    # A scene: exactly its photos, newest first, with a removable chip and a status line.
    _click_row(h, "scene", 0)
    scene = scenes[0]
    assert sorted(_grid_ids(h)) == sorted(scene.photo_ids)
    assert w.group_chip.isVisible() and scene.title_en in w.group_chip.label.text()
    h.qtbot.waitUntil(lambda: "in scene" in w.status_label.text(), timeout=5000)
    assert w.group_lists["scene"].selected_key() == scene.key

    # An event: its photos in time order.
    events = w.group_models["event"].groups()
    _click_row(h, "event", 0)
    assert _grid_ids(h) == list(events[0].photo_ids)
    assert w.group_lists["scene"].selected_key() is None  # one group at a time
    assert "Event:" in w.group_chip.label.text()

    # Duplicates: "all sets" first, members side by side; one set alone.
    dups = w.group_models["duplicates"].groups()
    assert dups[0].key == "dup-all" and dups[0].count == 4
    _click_row(h, "duplicates", 0)
    assert _grid_ids(h) == list(dups[1].photo_ids) + list(dups[2].photo_ids)
    _click_row(h, "duplicates", 2)
    h.qtbot.waitUntil(lambda: all(w.grid_model.photo(r) for r in range(2)), timeout=5000)
    names = sorted(Path(w.grid_model.photo(r).path).name for r in range(2))
    assert names in (["astronaut small.jpg", "astronaut.jpg"], ["coffee copy.jpg", "coffee.jpg"])

    # × on the chip: the whole library again.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        h.qtbot.mouseClick(w.group_chip.close_button, Qt.MouseButton.LeftButton)
    h.wait_rows(10)
    assert w.group_chip.isHidden() and w.search_controller.group is None
    assert w.group_lists["duplicates"].selected_key() is None
    assert snapshot(photos) == before  # nothing written to the photos


def test_a_selected_group_filters_the_search_inside_the_ann(app, monkeypatch):
    h = app
    _wait_groups(h)
    w = h.window
    allowed_seen: list[np.ndarray | None] = []
    real_search = HnswStore.search

    def spy(self, query, k, allowed=None, **kw):  # type: ignore[no-untyped-def]
        allowed_seen.append(None if allowed is None else np.asarray(allowed).copy())
        return real_search(self, query, k, allowed, **kw)

    monkeypatch.setattr(HnswStore, "search", spy)
    # The largest of the duplicate sets stands in for "the beach scene": a known, small subset.
    dup = next(g for g in w.group_models["duplicates"].groups() if g.key != "dup-all")
    _click_row(h, "duplicates", w.group_models["duplicates"].row_of_key(dup.key))
    h.search("a photo")
    assert sorted(_grid_ids(h)) and set(_grid_ids(h)) <= set(dup.photo_ids)
    assert allowed_seen and allowed_seen[-1] is not None
    assert sorted(allowed_seen[-1].tolist()) == sorted(dup.photo_ids)  # restricted in the ANN
    assert "in near-duplicates" in w.status_label.text()
    assert w.search_bar.edit.text() == "a photo"  # the query stays; the chip says where

    # The chip's ×: the same query over the whole library.
    allowed_seen.clear()
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.group_chip.close_button.click()
    assert allowed_seen and allowed_seen[-1] is None
    assert "in near" not in w.status_label.text()

    # Clicking a group starts afresh: its photos, not the old query's results.
    _click_row(h, "scene", 0)
    assert w.search_bar.edit.text() == "" and not w.grid_model.has_scores


def test_groups_follow_indexing(app, tmp_path):
    h = app
    _wait_groups(h)
    w = h.window
    more = tmp_path / "More"
    make_sample_photos(more, SAMPLES[8:11], year=2019, burst=True)
    h.add_folder_and_wait(more)

    def total(kind: str) -> int:
        return sum(g.count for g in w.group_models[kind].groups())

    h.qtbot.waitUntil(lambda: total("event") == 6, timeout=60000)  # a second burst
    h.qtbot.waitUntil(
        lambda: total("scene") + w.group_lists["scene"]._update.ungrouped == 13, timeout=60000
    )


def test_ui_language_setting_shows_chinese_names(qtbot, tiny_paths, tmp_path):
    settings = QtCore.QSettings(str(tmp_path / "gui.ini"), QtCore.QSettings.Format.IniFormat)
    settings.setValue("ui/language", "zh")
    settings.sync()
    h = Harness(qtbot, tiny_paths, tmp_path)
    try:
        assert h.window.language == "zh"
        assert all(m.language == "zh" for m in h.window.group_models.values())
        assert isinstance(h.window.group_models["scene"], GroupListModel)
    finally:
        h.close()
