"""The People section in the real app: faces found after indexing, covers, click → photos, viewer."""

from __future__ import annotations

import pytest

from photoalbum.gui.controllers.navigation import EXPLORE
from photoalbum.gui.widgets.people_section import PeopleSection, PersonIdRole
from photoalbum.qt import QtGui
from photoalbum.workers.people_worker import PersonCard
from tests.gui.test_main_window import harness  # noqa: F401 - the app harness fixture
from tests.support.faces import face_photos
from tests.support.photos import snapshot

pytestmark = pytest.mark.gui


def test_section_shows_covers_and_names_and_asks_before_wiping(qtbot):
    asked: list[str] = []
    section = PeopleSection(
        ask_text=lambda *a: "Grace", confirm=lambda t, _x: asked.append(t) or False
    )
    qtbot.addWidget(section)
    cover = QtGui.QImage(40, 40, QtGui.QImage.Format.Format_RGB32)
    cover.fill(QtGui.QColor("red"))
    section.set_people(
        [
            PersonCard(3, "Eileen Collins", True, 6, False, cover),
            PersonCard(4, "Person 4", False, 2, False, None),
            PersonCard(5, "Person 5", False, 1, True, None),
        ]
    )
    assert section.list.count() == 2  # the hidden one is left out
    first = section.list.item(0)
    assert first.text().startswith("Eileen") and first.text().endswith("\n6 photos")
    assert first.toolTip().startswith("Eileen Collins: 6 photos")  # long names are elided
    assert section.query_term(section.card(3)) == '人物:"Eileen Collins"'
    assert section.query_term(section.card(4)) == "person:#4"
    with qtbot.waitSignal(section.person_activated) as got:
        section.list.itemClicked.emit(section.list.item(1))
    assert got.args == [4, "person:#4"]
    with qtbot.assertNotEmitted(section.wipe_requested):
        section.wipe_button.click()
    assert asked == ["Wipe face data"]
    assert section.list.item(0).data(PersonIdRole) == 3
    section.set_people([])
    assert section.list.count() == 0 and not section.status.isHidden()


def test_app_finds_people_after_indexing_and_shows_their_photos(harness, tmp_path):  # noqa: F811
    pytest.importorskip("dlib")
    folder = tmp_path / "Faces"
    face_photos(folder, ("full", "small", "mirrored"))
    before = snapshot(folder)
    h = harness(people=True)
    section = h.window.people_section
    assert section is not None
    h.add_folder_and_wait(folder)
    assert section.list.count() == 0  # finding faces is off until asked for
    section.scan_button.click()  # switches the pass on; the index worker runs it
    h.qtbot.waitUntil(lambda: section.list.count() == 2, timeout=180000)
    assert all("3 photos" in section.list.item(i).text() for i in range(2))
    assert not section.list.item(0).icon().isNull()

    h.wait_search_ready()
    w = h.window
    w.go_to(EXPLORE)
    w.library_page.explore.show_tab("people")
    assert w.library_page.tiles_shown()
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        section.list.itemClicked.emit(section.list.item(0))
    # Their photos in the grid; the search bar names them in a chip and searches inside them.
    assert w.grid_model.rowCount() == 3 and not w.library_page.tiles_shown()
    assert w.search_bar.text() == "" and w.person_chip.isVisible()
    assert w.person_chip.label.text().startswith("Person: Person ")
    assert w.search_controller.sent_request().text.startswith("person:#")
    names = {w.grid_model.photo(r).path.rsplit("/", 1)[-1].split("-")[0] for r in range(3)}
    assert len(names) == 1  # one person's photos only
    h.search("a photo")
    assert 0 < w.grid_model.rowCount() <= 3
    assert w.search_controller.sent_request().text.endswith(" a photo")
    # Back: the person's photos, then the tiles.
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        w.go_back()
    assert w.search_bar.text() == "" and w.grid_model.rowCount() == 3
    w.go_back()
    assert w.library_page.tiles_shown() and not w.person_chip.isVisible()
    w.go_forward()
    assert w.search_controller.person is not None and w.person_chip.isVisible()
    # The chip's ×: the whole library (the tiles again, nothing typed).
    w.person_chip.close_button.click()
    assert w.search_controller.person is None and w.library_page.tiles_shown()
    with h.qtbot.waitSignal(w.results_shown, timeout=20000):
        section.list.itemClicked.emit(section.list.item(0))

    viewer = h.window.open_viewer(0)
    h.qtbot.waitUntil(lambda: len(viewer.view.faces) == 1, timeout=10000)
    (x, y, w, hgt), label = viewer.view.faces[0]
    assert 0 < w < 1 and 0 < hgt < 1 and label.startswith("Person ")
    viewer.close()
    assert snapshot(folder) == before
