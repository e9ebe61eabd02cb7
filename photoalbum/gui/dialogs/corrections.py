"""The small dialogs that correct photos' dates and places (kept in the library, never in files)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from photoalbum.qt import QtCore, QtWidgets

#: UTC offsets people live in, in minutes (UTC−12:00 … UTC+14:00, with the :30 and :45 zones).
ZONES: tuple[int, ...] = tuple(
    sorted(
        {h * 60 for h in range(-12, 15)}
        | {-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825}
    )
)


def zone_text(minutes: int) -> str:
    """An offset as people write it: "+09:00", "-05:30"."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class DateRequest:
    """What the date dialog asks for (one of shift / set_to / clear, and maybe a zone)."""

    shift: str | None = None
    set_to: str | None = None
    zone: str | None = None
    clear: bool = False


class AdjustDateDialog(QtWidgets.QDialog):
    """Shift photos' dates, set one date, or go back to the files' dates; and the time zone.

    Args:
        count: how many photos are being corrected (shown in the title).
        current: the first photo's date (where "Set to" starts).
    """

    def __init__(
        self, count: int, current: datetime | None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Adjust date & time"))
        form = QtWidgets.QFormLayout(self)
        form.addRow(
            QtWidgets.QLabel(
                self.tr("%Ln photo(s). Kept in the library; the files are not changed.", "", count)
            )
        )
        self.shift_radio = QtWidgets.QRadioButton(self.tr("Shift by"))
        self.set_radio = QtWidgets.QRadioButton(self.tr("Set to"))
        self.keep_radio = QtWidgets.QRadioButton(self.tr("Keep the date"))
        self.clear_radio = QtWidgets.QRadioButton(self.tr("Back to the file's date"))
        self.shift_edit = QtWidgets.QLineEdit()
        self.shift_edit.setPlaceholderText(self.tr("+7h, -30m, +1d"))
        self.set_edit = QtWidgets.QDateTimeEdit()
        self.set_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.set_edit.setCalendarPopup(True)
        when = current or datetime.now().replace(second=0, microsecond=0)
        self.set_edit.setDateTime(
            QtCore.QDateTime(
                QtCore.QDate(when.year, when.month, when.day),
                QtCore.QTime(when.hour, when.minute),
            )
        )
        self.zone_check = QtWidgets.QCheckBox(self.tr("Time zone"))
        self.zone_combo = QtWidgets.QComboBox()
        for minutes in ZONES:
            self.zone_combo.addItem(f"UTC{zone_text(minutes)}", minutes)
        self.zone_combo.setCurrentIndex(ZONES.index(0))
        self.zone_combo.setEnabled(False)
        self.zone_check.toggled.connect(self.zone_combo.setEnabled)
        form.addRow(self.shift_radio, self.shift_edit)
        form.addRow(self.set_radio, self.set_edit)
        form.addRow(self.keep_radio)
        form.addRow(self.zone_check, self.zone_combo)
        form.addRow(self.clear_radio)
        self.shift_radio.setChecked(True)
        self.clear_radio.toggled.connect(self._on_clear_toggled)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_clear_toggled(self, on: bool) -> None:
        self.zone_check.setEnabled(not on)
        if on:
            self.zone_check.setChecked(False)

    def request(self) -> DateRequest | None:
        """What was asked (None: nothing to do)."""
        zone = (
            zone_text(int(self.zone_combo.currentData())) if self.zone_check.isChecked() else None
        )
        if self.clear_radio.isChecked():
            return DateRequest(clear=True)
        if self.set_radio.isChecked():
            when = self.set_edit.dateTime().toString("yyyy-MM-dd HH:mm")
            return DateRequest(set_to=when, zone=zone)
        if self.shift_radio.isChecked() and self.shift_edit.text().strip():
            return DateRequest(shift=self.shift_edit.text().strip(), zone=zone)
        return DateRequest(zone=zone) if zone is not None else None


class SetPlaceDialog(QtWidgets.QDialog):
    """Say where photos were taken: a town, or a position; or go back to their GPS."""

    def __init__(self, count: int, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set place"))
        form = QtWidgets.QFormLayout(self)
        form.addRow(
            QtWidgets.QLabel(
                self.tr("%Ln photo(s). Kept in the library; the files are not changed.", "", count)
            )
        )
        self.place_edit = QtWidgets.QLineEdit()
        self.place_edit.setPlaceholderText(self.tr("杭州, Kyoto, Japan, or 35.01,135.77"))
        form.addRow(self.tr("Place:"), self.place_edit)
        self.clear_check = QtWidgets.QCheckBox(self.tr("Back to the photos' GPS"))
        self.clear_check.toggled.connect(lambda on: self.place_edit.setEnabled(not on))
        form.addRow(self.clear_check)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def request(self) -> tuple[bool, str | None]:
        """(anything to do, the place: None clears it)."""
        if self.clear_check.isChecked():
            return True, None
        text = self.place_edit.text().strip()
        return bool(text), text or None
