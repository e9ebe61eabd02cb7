"""Correcting dates and places from the app: the dialogs, the context menu, the viewer."""

from __future__ import annotations

from datetime import datetime

import pytest

from photoalbum.gui.dialogs.corrections import AdjustDateDialog, DateRequest, SetPlaceDialog
from photoalbum.qt import Qt, QtWidgets
from tests.gui.test_main_window import harness, photos  # noqa: F401  (fixtures)
from tests.workers.signals import wait_worker_signal

pytestmark = pytest.mark.gui


def test_the_date_dialog_says_what_was_asked(qtbot) -> None:
    d = AdjustDateDialog(3, datetime(2020, 1, 2, 10, 30))
    qtbot.addWidget(d)
    assert d.request() is None  # nothing typed
    d.shift_edit.setText(" +7h ")
    assert d.request() == DateRequest(shift="+7h")
    d.zone_check.setChecked(True)
    d.zone_combo.setCurrentIndex(d.zone_combo.findData(540))
    assert d.request() == DateRequest(shift="+7h", zone="+09:00")
    d.set_radio.setChecked(True)
    assert d.request() == DateRequest(set_to="2020-01-02 10:30", zone="+09:00")
    d.keep_radio.setChecked(True)
    assert d.request() == DateRequest(zone="+09:00")
    d.clear_radio.setChecked(True)
    assert d.request() == DateRequest(clear=True) and not d.zone_check.isChecked()
    assert d.zone_combo.findData(-570) >= 0 and d.zone_combo.findData(825) >= 0


def test_the_place_dialog_says_what_was_asked(qtbot) -> None:
    d = SetPlaceDialog(1)
    qtbot.addWidget(d)
    assert d.request() == (False, None)
    d.place_edit.setText("杭州")
    assert d.request() == (True, "杭州")
    d.clear_check.setChecked(True)
    assert d.request() == (True, None) and not d.place_edit.isEnabled()


def _info(viewer) -> dict[str, str]:
    form = viewer.info_form
    return {
        form.itemAt(i, form.ItemRole.LabelRole).widget().text(): form.itemAt(
            i, form.ItemRole.FieldRole
        )
        .widget()
        .text()
        for i in range(form.rowCount())
    }


def test_correct_from_the_context_menu_and_see_it_in_the_viewer(harness, photos) -> None:  # noqa: F811
    h = harness()
    h.add_folder_and_wait(photos)
    h.wait_rows(8)
    w = h.window
    model = w.grid_model
    h.qtbot.waitUntil(lambda: model.photo(0) is not None, timeout=5000)
    controller = w.corrections_controller
    menu = QtWidgets.QMenu(w)
    controller.menu(menu, [0])
    assert [a.text() for a in menu.actions()] == ["Adjust date & time…", "Set place…"]

    photo = model.photo(0)
    asked: list[tuple[int, datetime | None]] = []
    controller.ask_date = lambda n, current: (
        asked.append((n, current)) or DateRequest(set_to="2001-02-03 04:05", zone="+09:00")
    )
    controller.ask_place = lambda n: (True, "杭州")
    with wait_worker_signal(h.qtbot, w.albums_worker.corrected, 20000):
        controller.adjust_date([0])
    assert asked == [(1, photo.date.value)]
    h.qtbot.waitUntil(
        lambda: (p := model.photo_by_id(photo.id)) is not None and p.date.corrected,
        timeout=10000,
    )
    with wait_worker_signal(h.qtbot, w.albums_worker.corrected, 20000):
        controller.set_place([model.row_of(photo.id)])
    h.qtbot.waitUntil(lambda: model.row_of(photo.id) is not None, timeout=10000)

    viewer = w.viewer_controller.open(model.row_of(photo.id))
    h.qtbot.waitUntil(lambda: "Place:" in _info(viewer), timeout=10000)
    info = _info(viewer)
    assert info["Date:"] == "2001-02-03 04:05:00 +09:00 (corrected)"
    assert info["Place:"] == "Hangzhou, Zhejiang, China (corrected)"
    viewer.language = "zh"
    viewer.set_place(photo.id, viewer.place)
    assert _info(viewer)["Place:"] == "杭州, 浙江省, 中国 (corrected)"
    h.qtbot.keyClick(viewer, Qt.Key.Key_Escape)
