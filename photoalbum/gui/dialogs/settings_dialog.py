"""SettingsDialog: library folders, model, precision, worker threads, background passes and the
UI language."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from photoalbum.gui.pass_titles import pass_title
from photoalbum.gui.translation import QT_TRANSLATE_NOOP, arg
from photoalbum.qt import Qt, QtWidgets
from photoalbum.workers.messages import LibraryOptions, LibraryState

logger = logging.getLogger(__name__)

PRECISIONS = (
    ("auto", QT_TRANSLATE_NOOP("SettingsDialog", "Automatic (measured per model)")),
    ("fp32", QT_TRANSLATE_NOOP("SettingsDialog", "fp32 (exact, slower)")),
    ("int8", QT_TRANSLATE_NOOP("SettingsDialog", "int8 (faster, smaller)")),
)


class SettingsDialog(QtWidgets.QDialog):
    """Edits the settings; the caller applies them after ``exec()`` returns Accepted.

    Folder changes are collected (:meth:`added_folders`, :meth:`removed_folders`); a new model,
    precision or thread count comes back from :meth:`options` (the library reopens with it,
    and an unprepared model opens the model-setup page with its download/export progress).
    """

    def __init__(
        self,
        state: LibraryState | None,
        options: LibraryOptions,
        choose_folder: Callable[[], str | None] | None = None,
        parent: QtWidgets.QWidget | None = None,
        language: str = "system",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(620, 460)
        self._choose_folder = choose_folder or self._ask_folder
        self._initial_roots = list(state.roots) if state else []
        layout = QtWidgets.QVBoxLayout(self)

        folders_box = QtWidgets.QGroupBox(self.tr("Library folders"))
        fv = QtWidgets.QVBoxLayout(folders_box)
        self.folders = QtWidgets.QListWidget()
        self.folders.addItems(self._initial_roots)
        fv.addWidget(self.folders)
        row = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton(self.tr("Add…"))
        self.remove_button = QtWidgets.QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget the folder's photos (files are not touched)"))
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        fv.addLayout(row)
        layout.addWidget(folders_box, 1)

        engine_box = QtWidgets.QGroupBox(self.tr("Search engine"))
        form = QtWidgets.QFormLayout(engine_box)
        self.model = QtWidgets.QComboBox()
        current_model = options.model or (state.model if state else None)
        for info in state.models if state else ():
            label = info.name
            if info.default:
                label = arg(self.tr("%1 (default)"), label)
            if info.prepared:
                label += " ✓"
            self.model.addItem(label, info.name)
            self.model.setItemData(
                self.model.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
            )
        if current_model and self.model.findData(current_model) < 0:
            self.model.addItem(current_model, current_model)
        if current_model:
            self.model.setCurrentIndex(self.model.findData(current_model))
        form.addRow(self.tr("Model"), self.model)
        model_note = QtWidgets.QLabel(
            self.tr(
                "✓ = prepared. Changing the model re-indexes every photo in "
                "the background; search keeps working meanwhile."
            )
        )
        model_note.setWordWrap(True)
        form.addRow("", model_note)
        self.precision = QtWidgets.QComboBox()
        for key, label in PRECISIONS:
            self.precision.addItem(self.tr(label), key)
        self.precision.setCurrentIndex(max(0, self.precision.findData(options.precision)))
        form.addRow(self.tr("Precision"), self.precision)
        self.int8_check = QtWidgets.QLabel(state.int8_check if state and state.int8_check else "—")
        self.int8_check.setWordWrap(True)
        self.int8_check.setToolTip(
            self.tr(
                "On the first indexing the INT8 image tower is compared with fp32 on a sample of "
                "your own photos; “Automatic” uses INT8 only if it keeps the ranking and is faster."
            )
        )
        form.addRow(self.tr("INT8 check"), self.int8_check)
        self.threads = QtWidgets.QSpinBox()
        self.threads.setRange(0, max(1, os.cpu_count() or 1) * 2)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        self.threads.setValue(options.threads or 0)
        form.addRow(self.tr("Worker threads"), self.threads)
        layout.addWidget(engine_box)

        self._pass_boxes: dict[str, tuple[QtWidgets.QCheckBox, bool]] = {}
        passes = state.passes if state else ()
        if passes:
            passes_box = QtWidgets.QGroupBox(self.tr("After indexing, also"))
            pv = QtWidgets.QVBoxLayout(passes_box)
            for p in passes:
                box = QtWidgets.QCheckBox(pass_title(p.title))
                box.setChecked(p.enabled)
                box.setToolTip(
                    arg(
                        self.tr(
                            "Runs on this computer after each photo is indexed: %1 done, "
                            "%2 failed, %3 to do"
                        ),
                        p.done,
                        p.failed,
                        p.todo,
                    )
                )
                pv.addWidget(box)
                self._pass_boxes[p.name] = (box, p.enabled)
            layout.addWidget(passes_box)

        language_box = QtWidgets.QGroupBox(self.tr("Language"))
        lf = QtWidgets.QFormLayout(language_box)
        self.language_combo = QtWidgets.QComboBox()
        # Each language is named in itself, so a user who can't read the current one finds theirs.
        for key, label in (
            ("system", self.tr("Same as the desktop")),
            ("en", "English"),
            ("zh_CN", "简体中文"),
        ):
            self.language_combo.addItem(label, key)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        lf.addRow(self.tr("Interface language"), self.language_combo)
        language_note = QtWidgets.QLabel(
            self.tr("A new language applies when photoalbum restarts.")
        )
        language_note.setWordWrap(True)
        lf.addRow("", language_note)
        layout.addWidget(language_box)

        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def roots(self) -> list[str]:
        """The folders as listed now."""
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def added_folders(self) -> list[str]:
        """Folders to add to the library."""
        return [r for r in self.roots() if r not in self._initial_roots]

    def removed_folders(self) -> list[str]:
        """Library folders to forget."""
        now = set(self.roots())
        return [r for r in self._initial_roots if r not in now]

    def options(self) -> LibraryOptions:
        """Model, precision and threads as chosen."""
        return LibraryOptions(
            model=self.model.currentData() or None,
            precision=self.precision.currentData() or "auto",
            threads=self.threads.value() or None,
        )

    def language(self) -> str:
        """The ``ui/language`` chosen: "system", "en" or "zh_CN"."""
        return str(self.language_combo.currentData())

    def pass_choices(self) -> dict[str, bool]:
        """Background passes switched on or off in this dialog (only the changed ones)."""
        return {
            name: box.isChecked()
            for name, (box, was) in self._pass_boxes.items()
            if box.isChecked() != was
        }

    def _ask_folder(self) -> str | None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Add a folder of photos"))
        return folder or None

    def _on_add_button_clicked(self) -> None:
        folder = self._choose_folder()
        if folder and folder not in self.roots():
            self.folders.addItem(folder)

    def _on_remove_button_clicked(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
