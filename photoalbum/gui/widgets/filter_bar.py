"""FilterBar: date range, folder and camera filters, turned into a core PhotoFilter."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from photoalbum.core.ports import PhotoFilter
from photoalbum.gui.widgets.flow_layout import FlowLayout
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal

logger = logging.getLogger(__name__)


class FilterBar(QtWidgets.QWidget):
    """The filters under the search bar: one row, wrapping onto a second one in a narrow window
    (a 1200 px window with a page's panel open, say) instead of scrolling sideways.

    Signals:
        filter_changed(PhotoFilter): any filter changed.
    """

    filter_changed = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self, spacing=14)
        self.date_check = QtWidgets.QCheckBox(self.tr("Taken"))
        self.date_check.setToolTip(
            self.tr("Only photos taken in this date range (EXIF date, else file date)")
        )
        today = QtCore.QDate.currentDate()
        self.date_from = QtWidgets.QDateEdit(today.addYears(-1))
        self.date_to = QtWidgets.QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.to_label = QtWidgets.QLabel("–")
        self.folder = QtWidgets.QComboBox()
        self.folder.setMinimumContentsLength(10)
        self.folder.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.folder.setToolTip(self.tr("Only photos under this folder"))
        self.folder.addItem(self.tr("All folders"), None)
        self.camera = QtWidgets.QLineEdit()
        self.camera.setPlaceholderText(self.tr("Camera"))
        self.camera.setClearButtonEnabled(True)
        self.camera.setMaximumWidth(150)
        self.camera.setMinimumWidth(90)
        self.camera.setToolTip(self.tr("Only photos whose camera make or model contains this text"))
        self.favorites = QtWidgets.QCheckBox(self.tr("♥ Favorites"))
        self.favorites.setToolTip(self.tr("Only favourite photos"))
        self.rating = QtWidgets.QComboBox()
        self.rating.setToolTip(self.tr("Only photos rated at least this"))
        self.rating.addItem(self.tr("Any rating"), None)
        for n in range(1, 6):
            self.rating.addItem(f"≥ {'★' * n}", n)
        self.reset_button = QtWidgets.QToolButton()
        self.reset_button.setText(self.tr("Clear"))
        self.reset_button.setToolTip(self.tr("Clear every filter"))
        self.reset_button.setAutoRaise(True)
        self.reset_button.setEnabled(False)
        # Wrapping moves whole groups: a date range or marks never split across rows.
        layout.addWidget(_row(self.date_check, self.date_from, self.to_label, self.date_to))
        layout.addWidget(self.folder)
        layout.addWidget(self.camera)
        layout.addWidget(_row(self.favorites, self.rating, self.reset_button))
        self._camera_timer = QtCore.QTimer(self)
        self._camera_timer.setSingleShot(True)
        self._camera_timer.setInterval(400)
        self._camera_timer.timeout.connect(self._changed)
        self.date_check.toggled.connect(self._on_date_check_toggled)
        self.date_from.dateChanged.connect(self._changed)
        self.date_to.dateChanged.connect(self._changed)
        self.folder.currentIndexChanged.connect(self._changed)
        self.camera.textEdited.connect(lambda _t: self._camera_timer.start())
        self.camera.returnPressed.connect(self._changed)
        self.favorites.toggled.connect(self._changed)
        self.rating.currentIndexChanged.connect(self._changed)
        self.reset_button.clicked.connect(self.reset)
        self._last = PhotoFilter()
        self._quiet = False

    def set_roots(self, roots: Sequence[str]) -> None:
        """List the library's folders in the folder filter (keeping the selection if possible)."""
        current = self.folder.currentData()
        self._quiet = True
        try:
            self.folder.clear()
            self.folder.addItem(self.tr("All folders"), None)
            for root in roots:
                self.folder.addItem(Path(root).name or root, root)
                self.folder.setItemData(self.folder.count() - 1, root, Qt.ItemDataRole.ToolTipRole)
            idx = self.folder.findData(current) if current else 0
            self.folder.setCurrentIndex(max(0, idx))
        finally:
            self._quiet = False
        self._changed()

    def set_folder(self, folder: str | None) -> None:
        """Filter on a folder (a library folder or one of its subfolders); None for all."""
        if folder is None:
            self.folder.setCurrentIndex(0)
            return
        idx = self.folder.findData(folder)
        if idx < 0:
            self.folder.addItem(Path(folder).name or folder, folder)
            idx = self.folder.count() - 1
            self.folder.setItemData(idx, folder, Qt.ItemDataRole.ToolTipRole)
        self.folder.setCurrentIndex(idx)

    def current(self) -> PhotoFilter:
        """The filter as set now."""
        date_from = date_to = None
        if self.date_check.isChecked():
            a = self.date_from.date()
            b = self.date_to.date()
            date_from = datetime(a.year(), a.month(), a.day())
            date_to = datetime(b.year(), b.month(), b.day(), 23, 59, 59)
        folder = self.folder.currentData()
        camera = self.camera.text().strip() or None
        return PhotoFilter(
            date_from=date_from,
            date_to=date_to,
            folders=(folder,) if folder else (),
            camera=camera,
            favorites=self.favorites.isChecked(),
            min_rating=self.rating.currentData(),
        )

    def reset(self) -> None:
        """Clear every filter."""
        self._quiet = True
        try:
            self.date_check.setChecked(False)
            self.folder.setCurrentIndex(0)
            self.camera.clear()
            self.favorites.setChecked(False)
            self.rating.setCurrentIndex(0)
        finally:
            self._quiet = False
        self._changed()

    def _on_date_check_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self._changed()

    def _changed(self, *_args: object) -> None:
        if self._quiet:
            return
        flt = self.current()
        self.reset_button.setEnabled(not flt.is_empty)
        if flt != self._last:
            self._last = flt
            self.filter_changed.emit(flt)


def _row(*widgets: QtWidgets.QWidget) -> QtWidgets.QWidget:
    """Widgets side by side in one piece (the flow layout wraps it whole)."""
    row = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    for w in widgets:
        layout.addWidget(w)
    return row
