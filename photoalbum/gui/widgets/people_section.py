"""PeopleSection: the side panel's People — face covers with names and photo counts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from photoalbum.workers.people_worker import PersonCard

logger = logging.getLogger(__name__)

COVER = 64
PersonIdRole = Qt.ItemDataRole.UserRole + 1


def round_cover(image: QtGui.QImage | None, size: int = COVER) -> QtGui.QPixmap:
    """A round face cover (a grey disc when there is no crop)."""
    out = QtGui.QPixmap(size, size)
    out.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(out)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    path = QtGui.QPainterPath()
    path.addEllipse(0, 0, size, size)
    painter.setClipPath(path)
    if image is not None and not image.isNull():
        scaled = image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawImage(0, 0, scaled)
    else:
        painter.fillRect(0, 0, size, size, QtGui.QColor(150, 150, 150))
    painter.end()
    return out


class PeopleSection(QtWidgets.QWidget):
    """People as face covers; click one to see their photos.

    Signals:
        person_activated(int, str): a person was clicked: id and the query term naming them.
        rename_requested(int, str): the user gave a person a name.
        hide_requested(int, bool): hide (True) or show a person.
        exclude_requested(int): keep a person out of grouping.
        merge_requested(int, int): merge the second person into the first.
        scan_requested(): find faces now.
        wipe_requested(): delete all face data (confirmed by the user already).
    """

    person_activated = Signal(int, str)
    rename_requested = Signal(int, str)
    hide_requested = Signal(int, bool)
    exclude_requested = Signal(int)
    merge_requested = Signal(int, int)
    scan_requested = Signal()
    wipe_requested = Signal()

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        *,
        ask_text: Callable[[str, str, str], str | None] | None = None,
        confirm: Callable[[str, str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ask_text = ask_text or self._default_ask_text
        self._confirm = confirm or self._default_confirm
        self._cards: list[PersonCard] = []
        self.show_hidden = False
        v = QtWidgets.QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        self.list = QtWidgets.QListWidget()
        self.list.setViewMode(QtWidgets.QListView.ViewMode.IconMode)
        self.list.setIconSize(QtCore.QSize(COVER, COVER))
        self.list.setGridSize(QtCore.QSize(COVER + 36, COVER + 40))
        self.list.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.list.setMovement(QtWidgets.QListView.Movement.Static)
        self.list.setWordWrap(False)
        self.list.setUniformItemSizes(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        v.addWidget(self.list, 1)
        self.status = QtWidgets.QLabel(
            self.tr("No people yet: faces are looked for after indexing.")
        )
        self.status.setWordWrap(True)
        self.status.setEnabled(False)
        v.addWidget(self.status)
        row = QtWidgets.QHBoxLayout()
        self.scan_button = QtWidgets.QPushButton(self.tr("Find faces"))
        self.scan_button.setToolTip(
            self.tr("Look for faces in photos not looked at yet (on this computer)")
        )
        self.wipe_button = QtWidgets.QPushButton(self.tr("Wipe face data…"))
        self.wipe_button.setToolTip(
            self.tr("Delete every face, person and name; finding faces stops")
        )
        row.addWidget(self.scan_button)
        row.addWidget(self.wipe_button)
        v.addLayout(row)
        self.list.itemClicked.connect(self._on_list_item_clicked)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.scan_button.clicked.connect(self.scan_requested)
        self.wipe_button.clicked.connect(self._on_wipe_button_clicked)

    # --- content ------------------------------------------------------------------------------
    def set_people(self, cards: Sequence[PersonCard]) -> None:
        """Show these people (hidden ones only when ``show_hidden``)."""
        self._cards = list(cards)
        self.list.clear()
        shown = [c for c in self._cards if self.show_hidden or not c.hidden]
        metrics = self.list.fontMetrics()
        for card in shown:
            name = metrics.elidedText(card.label, Qt.TextElideMode.ElideRight, COVER + 30)
            count = self.tr("%Ln photo(s)", "", card.photo_count)
            text = f"{name}\n{count}"
            item = QtWidgets.QListWidgetItem(QtGui.QIcon(round_cover(card.cover)), text)
            item.setData(PersonIdRole, card.id)
            item.setToolTip(
                arg(
                    self.tr("%1: %Ln photo(s) — click to see them", "", card.photo_count),
                    card.label,
                )
            )
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)
        self.status.setVisible(not shown)

    def set_progress(self, done: int, total: int) -> None:
        """Show how far the faces pass got."""
        self.status.setVisible(True)
        self.status.setText(arg(self.tr("Looking for faces: %1 of %2 photos"), done, total))

    def set_message(self, text: str) -> None:
        """A line under the covers (a scan summary, a problem)."""
        self.status.setVisible(True)
        self.status.setText(text)

    def card(self, person_id: int) -> PersonCard | None:
        """The shown person with this id."""
        return next((c for c in self._cards if c.id == person_id), None)

    @staticmethod
    def query_term(card: PersonCard) -> str:
        """The search-bar term for a person: their name, else their id."""
        if card.named:
            name = card.label
            return f'人物:"{name}"' if " " in name else f"人物:{name}"
        return f"person:#{card.id}"

    # --- events -------------------------------------------------------------------------------
    def _on_list_item_clicked(self, item: QtWidgets.QListWidgetItem) -> None:
        card = self.card(int(item.data(PersonIdRole)))
        if card is not None:
            self.person_activated.emit(card.id, self.query_term(card))

    def _on_list_context_menu(self, pos: QtCore.QPoint) -> None:
        item = self.list.itemAt(pos)
        card = self.card(int(item.data(PersonIdRole))) if item is not None else None
        if card is None:
            return
        menu = QtWidgets.QMenu(self)
        rename = menu.addAction(self.tr("Name…") if not card.named else self.tr("Rename…"))
        hide = menu.addAction(self.tr("Show") if card.hidden else self.tr("Hide"))
        merge_menu = menu.addMenu(self.tr("Same person as"))
        targets = {}
        for other in self._cards:
            if other.id != card.id:
                targets[merge_menu.addAction(other.label)] = other.id
        merge_menu.setEnabled(bool(targets))
        exclude = menu.addAction(self.tr("Don't group this person"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(pos))
        if chosen is rename:
            name = self._ask_text(
                self.tr("Name"),
                arg(self.tr("Name for %1:"), card.label),
                card.label if card.named else "",
            )
            if name is not None:
                self.rename_requested.emit(card.id, name)
        elif chosen is hide:
            self.hide_requested.emit(card.id, not card.hidden)
        elif chosen in targets:
            self.merge_requested.emit(targets[chosen], card.id)
        elif chosen is exclude and self._confirm(
            self.tr("Don't group"),
            arg(
                self.tr(
                    "Keep %1 out of People and search? Their faces stay "
                    "in the library (Wipe face data deletes them)."
                ),
                card.label,
            ),
        ):
            self.exclude_requested.emit(card.id)

    def _on_wipe_button_clicked(self) -> None:
        if self._confirm(
            self.tr("Wipe face data"),
            self.tr(
                "Delete every face, person and name found in this "
                "library? Finding faces stays off until you click "
                "“Find faces”. Your photos are not touched."
            ),
        ):
            self.wipe_requested.emit()

    def _default_ask_text(self, title: str, label: str, text: str) -> str | None:
        value, ok = QtWidgets.QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def _default_confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes
