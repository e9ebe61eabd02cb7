"""SearchBar: query text plus removable image chips; searches as you pause, accepts drops and pastes."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from photoalbum.gui.dropping import has_image_content, images_from_mime
from photoalbum.gui.translation import arg
from photoalbum.gui.widgets.group_list import GroupChip
from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from photoalbum.workers.messages import ImageInput
from photoalbum.workers.thumbnails import ThumbnailLoader

logger = logging.getLogger(__name__)

CHANNEL = "chips"
CHIP_ICON = 22


class ImageChip(QtWidgets.QFrame):
    """One dropped image in the search bar: a small picture, its name and a remove button.

    Signals:
        remove_clicked(): the × was clicked.
        changed(): the chip switched between "look for" and "exclude".
    """

    remove_clicked = Signal()
    changed = Signal()

    def __init__(self, image: ImageInput, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.setObjectName("imageChip")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setToolTip(
            arg(self.tr("%1\nRight-click to exclude photos like this one"), image.label)
        )
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(3, 1, 1, 1)
        layout.setSpacing(3)
        self.icon = QtWidgets.QLabel()
        self.icon.setFixedSize(CHIP_ICON, CHIP_ICON)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QtWidgets.QLabel()
        self.label.setMaximumWidth(140)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Remove this image from the search"))
        self.close_button.setAccessibleName(arg(self.tr("Remove %1"), image.label))
        self.close_button.clicked.connect(self.remove_clicked)
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)
        self._update_label()

    @property
    def negative(self) -> bool:
        """True when the chip excludes photos like it."""
        return self.image.weight < 0

    def set_negative(self, negative: bool) -> None:
        """Switch between "look for" and "exclude"."""
        weight = -abs(self.image.weight) if negative else abs(self.image.weight)
        self.image = ImageInput(data=self.image.data, label=self.image.label, weight=weight)
        self._update_label()
        self.changed.emit()

    def set_picture(self, image: QtGui.QImage) -> None:
        """Show a small version of the image."""
        if image.isNull():
            self.icon.setText("?")
            return
        pixmap = QtGui.QPixmap.fromImage(image).scaled(
            CHIP_ICON,
            CHIP_ICON,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.icon.setPixmap(pixmap)

    def _update_label(self) -> None:
        sign = "−" if self.negative else ""
        text = f"{sign}{self.image.label}"
        self.label.setText(
            self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 140)
        )
        self.setProperty("negative", self.negative)
        self.style().unpolish(self)
        self.style().polish(self)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        menu = QtWidgets.QMenu(self)
        toggle = menu.addAction(
            self.tr("Look for photos like this")
            if self.negative
            else self.tr("Exclude photos like this")
        )
        remove = menu.addAction(self.tr("Remove"))
        chosen = menu.exec(event.globalPos())
        if chosen is toggle:
            self.set_negative(not self.negative)
        elif chosen is remove:
            self.remove_clicked.emit()


class _QueryEdit(QtWidgets.QLineEdit):
    """The text field: hands image drops and image pastes to the search bar."""

    def __init__(self, bar: SearchBar) -> None:
        super().__init__(bar)
        self._bar = bar

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if has_image_content(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        if has_image_content(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        if has_image_content(event.mimeData()):
            self._bar.add_images_from_mime(event.mimeData())
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.matches(QtGui.QKeySequence.StandardKey.Paste) and self._bar.paste_image():
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self._bar.clear(emit=True)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace and not self.text() and self._bar.images():
            self._bar.remove_last_chip()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchBar(QtWidgets.QFrame):
    """Search text plus image chips. Typing searches after a pause; Enter searches now; Esc clears.

    Signals:
        search_requested(str, tuple[ImageInput, ...]): the query changed (text, image terms).
        problem(str): something dropped or pasted could not be used (a message to show).
        understood_removed(str): the × of a query chip ("date", "place", "people", "media"):
            search those words as words.
    """

    search_requested = Signal(str, object)
    problem = Signal(str)
    understood_removed = Signal(str)

    def __init__(
        self,
        loader: ThumbnailLoader | None = None,
        *,
        pause_ms: int = 350,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        self._loader = loader
        self._chips: list[ImageChip] = []
        self._chip_keys: dict[int, ImageChip] = {}
        self._next_key = 0
        self._last_emitted: tuple[str, tuple] | None = None
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        layout.setSpacing(4)
        self.search_icon = QtWidgets.QLabel()
        icon = self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_FileDialogContentsView)
        self.search_icon.setPixmap(icon.pixmap(16, 16))
        layout.addWidget(self.search_icon)
        # Where the search is scoped to (an album, a person): chips the window adds.
        self._scope_box = QtWidgets.QHBoxLayout()
        self._scope_box.setSpacing(4)
        layout.addLayout(self._scope_box)
        self._chip_box = QtWidgets.QHBoxLayout()
        self._chip_box.setSpacing(4)
        layout.addLayout(self._chip_box)
        self.edit = _QueryEdit(self)
        self.edit.setFrame(False)
        self.edit.setPlaceholderText(
            self.tr(
                "Describe a photo — e.g. dog on a beach, 海边的狗, +sunset -people — "
                "or drop an image"
            )
        )
        self.edit.setAccessibleName(self.tr("Search"))
        self.edit.setClearButtonEnabled(False)
        layout.addWidget(self.edit, 1)
        # What the search read out of the words (a date, a place, people): removable chips.
        self._understood_box = QtWidgets.QHBoxLayout()
        self._understood_box.setSpacing(4)
        layout.addLayout(self._understood_box)
        self._understood: dict[str, GroupChip] = {}
        self.clear_button = QtWidgets.QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip(self.tr("Clear the search (Esc)"))
        self.clear_button.clicked.connect(lambda: self.clear(emit=True))
        layout.addWidget(self.clear_button)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(pause_ms)
        self._timer.timeout.connect(self._emit)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.returnPressed.connect(self.search_now)
        if loader is not None:
            loader.loaded.connect(self._on_loader_loaded)
        self._update_clear_button()

    # --- API -----------------------------------------------------------------------------------
    def text(self) -> str:
        """The query text."""
        return self.edit.text()

    def set_text(self, text: str, *, search: bool = True) -> None:
        """Replace the text (and search now)."""
        self.edit.setText(text)
        self._update_clear_button()
        if search:
            self.search_now()

    def images(self) -> tuple[ImageInput, ...]:
        """The image terms of the chips, in order."""
        return tuple(chip.image for chip in self._chips)

    def focus_search(self) -> None:
        """Put the cursor in the search field with the text selected (Ctrl+F)."""
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def search_now(self) -> None:
        """Emit the current query at once (Enter)."""
        self._timer.stop()
        self._emit(force=True)

    def clear(self, *, emit: bool = True) -> None:
        """Remove the text and every chip."""
        self._timer.stop()
        self.edit.clear()
        for chip in list(self._chips):
            self._remove_chip(chip, emit=False)
        self.set_understood(())
        self._update_clear_button()
        if emit:
            self._emit(force=True)

    def add_scope_chip(self, chip: QtWidgets.QWidget) -> None:
        """Show a scope chip (the album or person searched inside) before the query."""
        self._scope_box.addWidget(chip)

    def set_understood(self, parts: Sequence[tuple[str, str, str]]) -> None:
        """Show what the search read out of the words as chips: (kind, label, tooltip) each;
        none hides them. A chip's × emits ``understood_removed`` with its kind."""
        for chip in self._understood.values():
            self._understood_box.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self._understood = {}
        for kind, label, tooltip in parts:
            chip = GroupChip()
            chip.show_text(label, tooltip)
            chip.close_button.setToolTip(self.tr("Search these words as words"))
            chip.close_button.setAccessibleName(arg(self.tr("Remove %1"), label))
            chip.cleared.connect(lambda kind=kind: self._on_understood_cleared(kind))
            self._understood_box.addWidget(chip)
            self._understood[kind] = chip

    def understood_chips(self) -> dict[str, GroupChip]:
        """The query chips shown, by kind."""
        return dict(self._understood)

    def add_image(self, image: ImageInput, *, search: bool = True) -> ImageChip:
        """Add an image chip (and search now)."""
        chip = ImageChip(image, self)
        chip.remove_clicked.connect(lambda c=chip: self._remove_chip(c, emit=True))
        chip.changed.connect(self.search_now)
        self._chips.append(chip)
        self._chip_box.addWidget(chip)
        self._next_key += 1
        self._chip_keys[self._next_key] = chip
        if self._loader is not None:
            self._loader.request(CHANNEL, self._next_key, data=image.data, max_side=64)
        self._update_clear_button()
        if search:
            self.search_now()
        return chip

    def add_images_from_mime(self, mime: QtCore.QMimeData | None) -> int:
        """Add chips for the images a drop or paste carries; returns how many were added."""
        images, problems = images_from_mime(mime)
        for message in problems:
            self.problem.emit(message)
        for image in images:
            self.add_image(image, search=False)
        if images:
            self.search_now()
        return len(images)

    def paste_image(self) -> bool:
        """Paste an image from the clipboard as a chip; False when it holds none."""
        mime = QtGui.QGuiApplication.clipboard().mimeData()
        if not has_image_content(mime):
            return False
        return self.add_images_from_mime(mime) > 0

    def remove_last_chip(self) -> None:
        """Remove the last chip (Backspace in an empty field)."""
        if self._chips:
            self._remove_chip(self._chips[-1], emit=True)

    def chips(self) -> list[ImageChip]:
        """The chip widgets, in order."""
        return list(self._chips)

    # --- events --------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if has_image_content(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        if self.add_images_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def _on_understood_cleared(self, kind: str) -> None:
        chip = self._understood.pop(kind, None)
        if chip is not None:
            self._understood_box.removeWidget(chip)
            chip.deleteLater()
        self.understood_removed.emit(kind)

    def _on_edit_text_edited(self, _text: str) -> None:
        self._update_clear_button()
        self._timer.start()

    def _on_loader_loaded(
        self, channel: str, key: object, generation: int, image: QtGui.QImage
    ) -> None:
        if channel != CHANNEL:
            return
        chip = self._chip_keys.pop(key, None) if isinstance(key, int) else None
        if chip is not None and chip in self._chips:
            chip.set_picture(image)

    # --- internals -----------------------------------------------------------------------------
    def _remove_chip(self, chip: ImageChip, *, emit: bool) -> None:
        if chip not in self._chips:
            return
        self._chips.remove(chip)
        self._chip_box.removeWidget(chip)
        chip.hide()
        chip.deleteLater()
        self._update_clear_button()
        if emit:
            self.search_now()

    def _update_clear_button(self) -> None:
        self.clear_button.setVisible(bool(self.edit.text() or self._chips))

    def _emit(self, force: bool = False) -> None:
        images = self.images()
        key = (self.edit.text().strip(), tuple((id(i.data), i.weight) for i in images))
        if not force and key == self._last_emitted:
            return
        self._last_emitted = key
        self.search_requested.emit(self.edit.text(), images)
