"""OnThisDayController over a scripted search worker: the row's years, and a year's group title in
the UI language."""

from __future__ import annotations

from datetime import date

import pytest

from photoalbum.core.on_this_day import YearOnThisDay
from photoalbum.gui.controllers.on_this_day import ON_THIS_DAY, OnThisDayController
from photoalbum.gui.widgets.on_this_day import OnThisDayBar
from photoalbum.qt import QtCore, Signal
from photoalbum.workers.messages import OnThisDayAnswer, PhotoGroup
from tests.gui.test_photo_grid import photo
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui

TODAY = date(2025, 6, 1)
ANSWER = OnThisDayAnswer(
    TODAY,
    (
        YearOnThisDay(2019, (photo(1, "/p/a.jpg"),)),
        YearOnThisDay(2021, (photo(2, "/p/b.jpg"), photo(3, "/p/c.jpg"))),
    ),
)


class ScriptedSearchWorker(QtCore.QObject):
    opened = Signal()
    on_this_day_ready = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[date] = []

    def on_this_day(self, day: date) -> None:
        self.asked.append(day)


class Groups:
    """What the controller needs of the groups controller: show a group."""

    def __init__(self) -> None:
        self.shown: list[PhotoGroup] = []

    def show_group(self, group: PhotoGroup) -> None:
        self.shown.append(group)


@pytest.fixture
def parts(qtbot, tmp_path):
    worker, bar, groups = ScriptedSearchWorker(), OnThisDayBar(), Groups()
    qtbot.addWidget(bar)
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    controller = OnThisDayController(
        search_worker=worker,  # type: ignore[arg-type]
        bar=bar,
        groups=groups,  # type: ignore[arg-type]
        settings=settings,
        today=lambda: TODAY,
    )
    worker.opened.emit()
    assert worker.asked == [TODAY]
    worker.on_this_day_ready.emit(ANSWER)
    return controller, bar, groups


def test_a_years_photos_open_as_a_group_named_by_the_year(parts):
    controller, bar, groups = parts
    assert bar.years() == [2019, 2021]
    # Years are names, not counts: no thousands separator.
    assert [b.toolTip() for b in bar.year_buttons] == [
        "Show the 1 photo of this day in 2019",
        "Show the 2 photos of this day in 2021",
    ]
    bar.year_buttons[1].click()
    group = groups.shown[-1]
    assert (group.kind, group.photo_ids) == (ON_THIS_DAY, (2, 3))
    assert group.title("en") == group.title("zh") == "2021"


def test_in_chinese_the_year_reads_as_a_year(parts):
    controller, bar, groups = parts
    with chinese_ui():
        controller.show_year(2019)
        bar.set_years([(2019, 1)])
    assert groups.shown[-1].title("zh") == groups.shown[-1].title("en") == "2019 年"
    assert bar.year_buttons[0].toolTip() == "显示 2019 年这一天的 1 张照片"
