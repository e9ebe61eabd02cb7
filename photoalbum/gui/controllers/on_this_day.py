"""OnThisDayController: asks the search worker for today's earlier years and shows them atop the
Photos page; a year clicked lists its photos (as a group, × returns to the timeline)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.groups import GroupsController
from photoalbum.gui.controllers.navigation import PHOTOS
from photoalbum.gui.errors import logs_exceptions
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.on_this_day import OnThisDayBar
from photoalbum.qt import QtCore
from photoalbum.workers.messages import OnThisDayAnswer, PhotoGroup
from photoalbum.workers.search_worker import SearchWorker

logger = logging.getLogger(__name__)

#: The group kind a year's photos are shown as (the chip names it "On this day").
ON_THIS_DAY = "onthisday"
#: Where the day the row was dismissed is kept (it stays closed until the next day).
DISMISSED_KEY = "onthisday/dismissed"


class OnThisDayController(QtCore.QObject):
    """The row is shown on the Photos page only, only when an earlier year has photos on this
    day, and not again on a day the user dismissed it.

    Args:
        search_worker: answers ``on_this_day`` (once open).
        bar: the row.
        groups: shows a year's photos as a group.
        settings: keeps the day the row was dismissed.
        today: the date (tests give their own).
    """

    def __init__(
        self,
        *,
        search_worker: SearchWorker,
        bar: OnThisDayBar,
        groups: GroupsController,
        settings: QtCore.QSettings,
        today: Callable[[], date] = date.today,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = search_worker
        self.bar = bar
        self.groups = groups
        self.settings = settings
        self.today = today
        self.detached = False
        self.answer: OnThisDayAnswer | None = None
        self.page = PHOTOS
        self._open = False
        search_worker.opened.connect(self._on_search_worker_opened)
        search_worker.on_this_day_ready.connect(self._on_search_worker_answer)
        bar.year_chosen.connect(self.show_year)
        bar.dismissed.connect(self.dismiss)

    def detach(self) -> None:
        """Stop talking to the worker (it is about to stop)."""
        self.detached = True

    def ask(self) -> None:
        """Ask again (the library opened, an indexing run ended, the day changed)."""
        if self._open and not self.detached:
            self.worker.on_this_day(self.today())

    def page_entered(self, page: str) -> None:
        """The navigation shows ``page``: the row belongs to Photos; a new day asks again."""
        self.page = page
        if page == PHOTOS and self.answer is not None and self.answer.day != self.today():
            self.ask()
        self._update()

    def dismiss(self) -> None:
        """Close the row until tomorrow."""
        self.settings.setValue(DISMISSED_KEY, self.today().isoformat())
        self._update()

    def show_year(self, year: int) -> None:
        """List that year's photos of the day (the chip's × goes back to the timeline)."""
        answer = self.answer
        found = next((y for y in answer.years if y.year == year), None) if answer else None
        if answer is None or found is None:
            return
        # The year as the chip names it ("2019"; "2019 年" in Chinese), in the UI language.
        title = arg(self.tr("%1", "a year of On this day, as its chip names it"), str(year))
        self.groups.show_group(
            PhotoGroup(
                ON_THIS_DAY,
                f"{answer.day.isoformat()}/{year}",
                title,
                title,
                found.photo_ids,
                cover=found.photos[0] if found.photos else None,
                keep_order=True,
            )
        )

    def dismissed_today(self) -> bool:
        """True when the user closed the row today."""
        return str(self.settings.value(DISMISSED_KEY, "")) == self.today().isoformat()

    def _update(self) -> None:
        answer = self.answer
        years = [(y.year, len(y.photos)) for y in answer.years] if answer else []
        if [y for y, _ in years] != self.bar.years():
            self.bar.set_years(years)
        self.bar.setVisible(bool(years) and self.page == PHOTOS and not self.dismissed_today())

    @while_attached
    def _on_search_worker_opened(self) -> None:
        self._open = True
        self.ask()

    @while_attached
    @logs_exceptions
    def _on_search_worker_answer(self, answer: OnThisDayAnswer) -> None:
        self.answer = answer
        self._update()
