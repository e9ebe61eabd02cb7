"""The Explore page: Scenes, People, Events and Places as tiles; a tile opens its photos; Back."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.gui.controllers.navigation import EXPLORE, PHOTOS
from photoalbum.gui.itemmodels.group_list import GroupListModel
from photoalbum.gui.main_window import PAGE_LIBRARY
from photoalbum.gui.widgets.explore_page import PlaceTiles
from photoalbum.qt import Qt
from photoalbum.workers.messages import GroupsUpdate, PhotoGroup
from tests.gui.test_main_window import Harness, harness  # noqa: F401  (the fixture)
from tests.library.test_understanding import _write
from tests.support.photos import snapshot
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui

CHINA = PhotoGroup("place", "n:CN", "China", "中国", (1, 2, 3))
HANGZHOU = PhotoGroup("place", "c:1", "Hangzhou", "杭州", (1, 2), parent="n:CN")
BEIJING = PhotoGroup("place", "c:2", "Beijing", "北京", (3,), parent="n:CN")
FRANCE = PhotoGroup("place", "n:FR", "France", "法国", (4,))


def _click(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _titles(tiles: PlaceTiles) -> list[str]:
    return [g.title_en for g in tiles.model.groups()]


def test_place_tiles_open_a_country_on_its_cities(qtbot, loader, tmp_path):
    model = GroupListModel(loader, lambda fp: tmp_path / f"{fp}.jpg", channel="t", icon_size=64)
    tiles = PlaceTiles(model)
    qtbot.addWidget(tiles)
    tiles.resize(500, 400)
    tiles.show()
    tiles.set_update(GroupsUpdate("place", (CHINA, HANGZHOU, BEIJING, FRANCE)))
    assert _titles(tiles) == ["China", "France"] and not tiles.header.isVisible()
    assert tiles.summary.text() == "2 countries · 2 cities"
    # A country's tile: its cities, under a header that goes back or shows the whole country.
    _click(qtbot, tiles.view, 0)
    assert _titles(tiles) == ["Hangzhou", "Beijing"] and tiles.header.isVisible()
    assert tiles.title.text() == "China" and tiles.whole_button.text() == "All 3 photos"
    with qtbot.waitSignal(tiles.group_selected) as chosen:
        _click(qtbot, tiles.view, 0)
    assert chosen.args[0] is HANGZHOU
    with qtbot.waitSignal(tiles.group_selected) as chosen:
        tiles.whole_button.click()
    assert chosen.args[0] is CHINA
    # A refresh keeps the country open; Back goes to the countries.
    tiles.set_update(GroupsUpdate("place", (CHINA, HANGZHOU, BEIJING, FRANCE)))
    assert _titles(tiles) == ["Hangzhou", "Beijing"]
    tiles.back_button.click()
    assert _titles(tiles) == ["China", "France"]
    # A country without cities opens straight away; a city selected opens its country.
    with qtbot.waitSignal(tiles.group_selected) as chosen:
        _click(qtbot, tiles.view, 1)
    assert chosen.args[0] is FRANCE
    tiles.select_key("c:2")
    assert tiles.country is CHINA and tiles.selected_key() == "c:2"
    tiles.set_update(GroupsUpdate("place", ()))
    assert _titles(tiles) == [] and tiles.summary.text().startswith("No places yet")


def test_place_tiles_in_chinese_and_a_country_of_one_photo(qtbot, loader, tmp_path):
    japan = PhotoGroup("place", "n:JP", "Japan", "日本", (5,))
    kyoto = PhotoGroup("place", "c:3", "Kyoto", "京都", (5,), parent="n:JP")
    model = GroupListModel(loader, lambda fp: tmp_path / f"{fp}.jpg", channel="t", icon_size=64)
    with chinese_ui():
        tiles = PlaceTiles(model)
        qtbot.addWidget(tiles)
        tiles.resize(500, 400)
        tiles.show()
        tiles.set_update(GroupsUpdate("place", (CHINA, HANGZHOU, BEIJING, FRANCE, japan, kyoto)))
        assert tiles.summary.text() == "3 个国家和地区 · 3 个城市"
        tiles.show_country(CHINA)
        assert tiles.back_button.text() == "← 所有国家和地区"
        assert tiles.whole_button.text() == "全部 3 张照片"
    tiles.show_country(japan)
    assert tiles.whole_button.text() == "The 1 photo"


def test_explore_tiles_open_their_photos_and_back_returns(harness, tmp_path):  # noqa: F811
    photos = tmp_path / "photos"
    _write(photos)  # two in Hangzhou, one in Kyoto, one in Paris, one without GPS
    before = snapshot(photos)
    h = harness(scenes_interval=0.5)
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(5)
    w = h.window
    places = w.group_lists["place"]
    assert isinstance(places, PlaceTiles)
    h.qtbot.waitUntil(lambda: len(places.countries()) == 3, timeout=60000)
    # One Explore page (Ctrl+4) with the four tabs; the tiles take the place of the grid.
    w.page_actions[EXPLORE].trigger()
    assert w.page() == EXPLORE and w.library_page.tiles_shown()
    explore = w.library_page.explore
    assert [explore.tabText(i) for i in range(4)] == ["Scenes", "People", "Events", "Places"]
    explore.show_tab("place")
    assert _titles(places) == ["China", "France", "Japan"]
    assert [g.count for g in places.model.groups()] == [2, 1, 1]
    china = places.model.groups()[0]
    assert china.cover is not None and china.cover.id in china.photo_ids  # a cover thumbnail
    _click(h.qtbot, places.view, 0)
    assert _titles(places) == ["Hangzhou"]
    # A city's tile: its photos by date in the grid, named by the chip.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        _click(h.qtbot, places.view, 0)
    assert not w.library_page.tiles_shown() and w.grid_model.rowCount() == 2
    stems = [Path(w.grid_model.photo(r).path).stem for r in range(2)]
    assert stems == ["hangzhou_cat", "hangzhou_coffee"]  # newest first
    assert w.group_chip.isVisible() and w.group_chip.label.text() == "Place: Hangzhou"
    h.qtbot.waitUntil(lambda: w.status_label.text() == "2 photos in place “Hangzhou”")
    # Back: the tiles again, as they were; Forward: the city again.
    w.go_back()
    assert w.page() == EXPLORE and w.library_page.tiles_shown()
    assert w.search_controller.group is None and _titles(places) == ["Hangzhou"]
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.go_forward()
    assert not w.library_page.tiles_shown()
    assert w.search_controller.group.key == places.model.groups()[0].key
    # Explore again (the list, Ctrl+4) while a tile is open: back to the tiles.
    w.go_to(EXPLORE)
    assert w.library_page.tiles_shown() and w.search_controller.group is None
    # A whole country, then another page: the place is closed there.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        places.whole_button.click()
    assert w.grid_model.rowCount() == 2 and w.search_controller.group.key == "n:CN"
    w.go_to(PHOTOS)
    assert w.search_controller.group is None and not w.library_page.tiles_shown()
    # A search typed on Explore shows its results; clearing it brings the tiles back.
    w.go_to(EXPLORE)
    h.search("a cat")
    assert not w.library_page.tiles_shown() and w.grid_model.has_scores
    w.search_bar.clear()
    assert w.library_page.tiles_shown()
    assert snapshot(photos) == before


def test_query_chips_show_what_was_read_and_their_x_searches_the_words(
    harness,  # noqa: F811
    tmp_path,
):
    photos = tmp_path / "photos"
    _write(photos)
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_page(PAGE_LIBRARY)
    h.wait_rows(5)
    w = h.window

    def stems() -> set[str]:
        return {Path(w.grid_model.photo(r).path).stem for r in range(w.grid_model.rowCount())}

    def chips() -> dict[str, str]:
        return {k: c.label.text() for k, c in w.search_bar.understood_chips().items()}

    h.search("2025年在杭州")
    assert chips() == {"date": "Date: 2025年", "place": "Place: 杭州"}
    assert stems() == {"hangzhou_cat"}
    assert (
        w.search_bar.understood_chips()["date"]
        .toolTip()
        .startswith("Photos taken 2025-01-01 … 2025-12-31.")
    )
    # The date's ×: "2025年" is searched as words, inside the place still read.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.search_bar.understood_chips()["date"].close_button.click()
    assert chips() == {"place": "Place: 杭州"} and w.search_bar.text() == "2025年在杭州"
    assert w.search_controller.request.as_text == ("date",)
    assert stems() and stems() <= {"hangzhou_cat", "hangzhou_coffee"}
    # The place's × too: nothing is read, the words go to CLIP over the whole library.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.search_bar.understood_chips()["place"].close_button.click()
    assert chips() == {} and w.search_controller.request.as_text == ("date", "place")
    # Other words are read afresh; a quoted query is never read; no chips on a listing.
    h.search("Paris")
    assert chips() == {"place": "Place: Paris"} and w.search_controller.request.as_text == ()
    assert stems() == {"paris_rocket"}
    h.search('"Paris"')
    assert chips() == {}
    h.search("Paris")
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.search_bar.clear()
    assert chips() == {} and w.grid_model.rowCount() == 5
