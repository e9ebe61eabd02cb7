"""DateScrubber: drag to a month (snapped by binary search), a label saying where, year ticks."""

from __future__ import annotations

import numpy as np
import pytest

from photoalbum.gui.itemmodels.timeline import TimelineIndex
from photoalbum.gui.widgets.date_scrubber import DateScrubber
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets

pytestmark = pytest.mark.gui


@pytest.fixture
def scrubber(qtbot):
    window = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(window)
    layout.addStretch(1)
    s = DateScrubber()
    layout.addWidget(s)
    window.resize(400, 500)
    qtbot.addWidget(window)
    # 120 photos, one a month, newest first: December 2024 … January 2015.
    months = np.arange(2024 * 12 + 11, 2024 * 12 + 11 - 120, -1)
    dates = np.array(
        [f"{m // 12:04d}-{m % 12 + 1:02d}-15T12:00:00" for m in months], dtype="datetime64[s]"
    )
    s.set_timeline(TimelineIndex(np.arange(120), dates, np.zeros(120, bool)))
    window.show()
    qtbot.waitExposed(window)
    yield s
    window.close()


def test_dragging_asks_for_month_rows_and_shows_where_it_is(qtbot, scrubber):
    s = scrubber
    asked: list[int] = []
    s.row_requested.connect(asked.append)
    qtbot.mousePress(s, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(20, 0))
    assert s.text() == "December 2024" and s.label.isVisible()
    bottom = QtCore.QPoint(20, s.height() - 1)
    s.mouseMoveEvent(_move(bottom))  # a drag: QTest's mouseMove carries no button
    assert asked[-1] == 119 and s.text() == "January 2015"
    half = QtCore.QPoint(20, s.height() // 2)
    s.mouseMoveEvent(_move(half))
    assert 55 <= asked[-1] <= 65
    qtbot.mouseRelease(s, Qt.MouseButton.LeftButton, pos=half)
    assert not s.label.isVisible()


def test_jump_to_a_year_is_its_newest_photo(scrubber):
    s = scrubber
    asked: list[int] = []
    s.row_requested.connect(asked.append)
    assert s.jump_to(2020) == 48 and asked == [48] and s.text() == "December 2020"
    assert s.jump_to(2018, 3) == 81 and s.text() == "March 2018"
    assert [y for y, _ in s.timeline.years()][:3] == [2024, 2023, 2022]


def test_the_strip_hides_without_a_timeline(scrubber):
    scrubber.set_timeline(None)
    assert not scrubber.isVisible()


def _move(pos: QtCore.QPoint) -> QtGui.QMouseEvent:
    return QtGui.QMouseEvent(
        QtCore.QEvent.Type.MouseMove,
        QtCore.QPointF(pos),
        QtCore.QPointF(pos),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
