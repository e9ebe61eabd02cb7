"""ModelSetupPage: the first-run welcome flow — choose folders, pick and install a model, or import one."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence

from photoalbum.gui.translation import arg
from photoalbum.qt import Qt, QtCore, QtWidgets, Signal
from photoalbum.workers.messages import LibraryState, ModelInfo
from photoalbum.workers.model_prep import ModelPreparer

logger = logging.getLogger(__name__)
translate = QtCore.QCoreApplication.translate

_NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class ModelSetupPage(QtWidgets.QWidget):
    """The first-run flow: 1. the folders to search (default: the Pictures folder), 2. the model
    (default preselected, with size, languages and published quality) installed with progress —
    a ready-made ONNX download where the registry has one, else prepared locally — or imported
    from a file or folder (offline: the message says how).

    Nothing silently falls back to random weights: a random-weights model appears only when it
    was asked for by name (``--model random:ARCH``), and is labelled as such.

    Signals:
        model_ready(str): the named model is prepared (the library reopens with it; the window
            then adds :meth:`chosen_folders`).
    """

    model_ready = Signal(str)

    def __init__(
        self,
        preparer: ModelPreparer,
        choose_import: Callable[[], str | None] | None = None,
        parent: QtWidgets.QWidget | None = None,
        *,
        default_folders: Sequence[str] = (),
        choose_folder: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.preparer = preparer
        self._choose_import = choose_import or self._ask_import_path
        self._choose_folder = choose_folder or self._ask_folder
        self._default_folders = list(default_folders)
        self._state: LibraryState | None = None
        self._running_spec: str | None = None
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        title = QtWidgets.QLabel(self.tr("Welcome to photoalbum"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        outer.addWidget(title)
        intro = QtWidgets.QLabel(
            self.tr(
                "Find your photos by what they show — in Chinese, English and more. Everything "
                "runs on this computer; your photos are never changed or uploaded."
            )
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)

        self.folders_box = QtWidgets.QGroupBox(self.tr("1. Your photos"))
        fv = QtWidgets.QVBoxLayout(self.folders_box)
        self.folders = QtWidgets.QListWidget()
        self.folders.setMaximumHeight(86)
        fv.addWidget(self.folders)
        frow = QtWidgets.QHBoxLayout()
        self.add_folder_button = QtWidgets.QPushButton(self.tr("Add folder…"))
        self.remove_folder_button = QtWidgets.QPushButton(self.tr("Remove"))
        frow.addWidget(self.add_folder_button)
        frow.addWidget(self.remove_folder_button)
        frow.addStretch(1)
        fv.addLayout(frow)
        outer.addWidget(self.folders_box)

        model_box = QtWidgets.QGroupBox(self.tr("2. The model that understands your photos"))
        mv = QtWidgets.QVBoxLayout(model_box)
        model_intro = QtWidgets.QLabel(
            self.tr(
                "A CLIP model matches photos with words and with other photos. It is installed "
                "once and then works offline. Search quality is as published by the model's "
                "authors (recall@1 in %, higher is better)."
            )
        )
        model_intro.setWordWrap(True)
        mv.addWidget(model_intro)
        self.table = QtWidgets.QTreeWidget()
        self.table.setColumnCount(5)
        self.table.setHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Languages"),
                self.tr("Chinese / English text→image"),
                self.tr("Download"),
                self.tr("Status"),
            ]
        )
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setUniformRowHeights(False)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        mv.addWidget(self.table)
        outer.addWidget(model_box)
        self.description = QtWidgets.QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.description)
        buttons = QtWidgets.QHBoxLayout()
        self.prepare_button = QtWidgets.QPushButton(self.tr("Download and prepare"))
        self.prepare_button.setDefault(True)
        self.import_button = QtWidgets.QPushButton(self.tr("Import model file or folder…"))
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_button.hide()
        buttons.addWidget(self.prepare_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)
        self.stage = QtWidgets.QLabel()
        self.stage.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QtWidgets.QProgressBar()
        self.bar.hide()
        outer.addWidget(self.stage)
        outer.addWidget(self.bar)
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setObjectName("modelSetupMessage")
        outer.addWidget(self.message)
        outer.addStretch(1)
        self.table.currentItemChanged.connect(self._on_table_current_changed)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.remove_folder_button.clicked.connect(self._on_remove_folder_button_clicked)
        self.prepare_button.clicked.connect(self.start_prepare)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.cancel_button.clicked.connect(preparer.cancel)
        preparer.progress.connect(self._on_preparer_progress)
        preparer.finished.connect(self._on_preparer_finished)

    # --- API -----------------------------------------------------------------------------------
    def set_state(self, state: LibraryState) -> None:
        """List the registry, preselecting the library's model (else the default)."""
        self._state = state
        self.table.clear()
        wanted = state.model
        select = None
        for info in state.models:
            if info.random and info.name != wanted:
                continue  # random weights only when asked for by name
            item = QtWidgets.QTreeWidgetItem(
                [
                    arg(self.tr("%1 (default)"), info.name) if info.default else info.name,
                    ", ".join(info.languages) or "—",
                    _headline(info),
                    _download(info),
                    self.tr("installed") if info.prepared else self.tr("not installed"),
                ]
            )
            item.setData(0, _NAME_ROLE, info.name)
            item.setToolTip(0, info.description)
            item.setToolTip(2, "\n".join(f"{k}: {v}" for k, v in info.published))
            self.table.addTopLevelItem(item)
            if info.name == wanted or (select is None and info.default):
                select = item
        if select is not None:
            self.table.setCurrentItem(select)
        rows = self.table.topLevelItemCount()
        row_height = self.table.sizeHintForRow(0) if rows else 20
        self.table.setFixedHeight(self.table.header().sizeHint().height() + rows * row_height + 6)
        if not state.roots and self.folders.count() == 0:
            self.folders.addItems(self._default_folders)
        self.folders_box.setVisible(not state.roots)  # only on the first run
        self.import_button.setEnabled(True)
        self.import_button.setToolTip(
            self.tr(
                "Install the model from a file or folder you have: a ready-made ONNX export "
                "(folder, .zip or .tar.gz), a prepared model folder, or an open_clip checkpoint"
            )
        )
        self.message.setText("")

    def chosen_folders(self) -> list[str]:
        """The photo folders chosen on this page (empty when the library already has some)."""
        if self._state is not None and self._state.roots:
            return []
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def selected_model(self) -> ModelInfo | None:
        """The model selected in the list."""
        item = self.table.currentItem()
        if item is None or self._state is None:
            return None
        name = item.data(0, _NAME_ROLE)
        return next((m for m in self._state.models if m.name == name), None)

    def start_prepare(self) -> None:
        """Prepare the selected model in a child process, showing its progress."""
        info = self.selected_model()
        if info is None or self.preparer.running:
            return
        self._begin(info.name, arg(self.tr("Preparing %1…"), info.name))
        self.preparer.prepare(info.name)

    def start_import(self, path: str) -> None:
        """Import the selected model from a local checkpoint or ONNX folder."""
        info = self.selected_model()
        if info is None or self.preparer.running:
            return
        self._begin(info.name, arg(self.tr("Importing %1 from %2…"), info.name, path))
        self.preparer.import_path(info.name, path)

    # --- internals -----------------------------------------------------------------------------
    def _begin(self, name: str, text: str) -> None:
        self._running_spec = name
        self.message.setText("")
        self.message.setStyleSheet("")
        self.stage.setText(text)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.cancel_button.show()
        self.prepare_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.table.setEnabled(False)

    def _end(self) -> None:
        self.bar.hide()
        self.cancel_button.hide()
        self.prepare_button.setEnabled(True)
        self.import_button.setEnabled(self._state is not None)
        self.table.setEnabled(True)
        self.stage.setText("")

    def _on_table_current_changed(
        self, current: QtWidgets.QTreeWidgetItem | None, _previous: object
    ) -> None:
        info = self.selected_model()
        if info is None:
            self.description.setText("")
            return
        published = "".join(
            f"<li>{html.escape(k)}: <b>{html.escape(v)}</b></li>" for k, v in info.published
        )
        self.description.setText(
            f"<p>{html.escape(info.description)}</p>"
            + (
                "<p>"
                + html.escape(self.tr("Published retrieval results (recall@1/5/10 in %):"))
                + f"</p><ul>{published}</ul>"
                if published
                else ""
            )
        )
        if info.random:
            self.prepare_button.setText(self.tr("Prepare random-weights demo model"))
        elif info.prepared:
            self.prepare_button.setText(self.tr("Use this model"))
        elif info.download_mb:
            self.prepare_button.setText(
                arg(self.tr("Install (download ≈ %1)"), _size(info.download_mb))
            )
        else:
            self.prepare_button.setText(self.tr("Download and prepare"))

    def _on_import_button_clicked(self) -> None:
        path = self._choose_import()
        if path:
            self.start_import(path)

    def _ask_folder(self) -> str | None:
        return (
            QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Add a folder of photos"))
            or None
        )

    def _on_add_folder_button_clicked(self) -> None:
        folder = self._choose_folder()
        existing = {self.folders.item(i).text() for i in range(self.folders.count())}
        if folder and folder not in existing:
            self.folders.addItem(folder)

    def _on_remove_folder_button_clicked(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def _ask_import_path(self) -> str | None:
        box = QtWidgets.QMessageBox(self)
        box.setWindowTitle(self.tr("Import a model"))
        box.setText(
            self.tr(
                "Import from a file (a .zip/.tar.gz of ONNX towers, or an open_clip checkpoint) "
                "or from a folder (ONNX towers in immich's layout, or a prepared model)?"
            )
        )
        file_button = box.addButton(self.tr("File…"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        folder_button = box.addButton(
            self.tr("Folder…"), QtWidgets.QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is file_button:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(
                self,
                self.tr("Choose a model file"),
                "",
                self.tr("Models")
                + " (*.zip *.tar *.tar.gz *.tgz *.tar.xz *.pt *.pth *.bin *.safetensors)",
            )
            return path or None
        if box.clickedButton() is folder_button:
            return (
                QtWidgets.QFileDialog.getExistingDirectory(self, self.tr("Choose the ONNX folder"))
                or None
            )
        return None

    def _on_preparer_progress(self, stage: str, done: int, total: int) -> None:
        if stage.startswith("downloading ") and total > 0:
            stage = arg(
                self.tr("%1: %2 of %3 MB"), stage, f"{done / 1e6:,.1f}", f"{total / 1e6:,.1f}"
            )
        self.stage.setText(stage)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def _on_preparer_finished(self, ok: bool, kind: str, message: str) -> None:
        name = self._running_spec
        self._running_spec = None
        self._end()
        if ok and name:
            self.message.setText(arg(self.tr("%1 is ready."), name))
            self.model_ready.emit(name)
            return
        if kind == "cancelled":
            self.message.setText(self.tr("Preparation cancelled; nothing was changed."))
            return
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)
        # A word-wrapped label set after layout keeps its one-line height: give it its height.
        self.message.setMinimumHeight(self.message.heightForWidth(max(200, self.message.width())))


def _headline(info: ModelInfo) -> str:
    """The table's summary: Chinese and English R@1 as published, when known."""
    if info.random:
        return translate("ModelSetupPage", "RANDOM WEIGHTS: meaningless results")

    def r_at_1(lang: str) -> str | None:
        for k, v in info.published:
            if f" {lang} " in f" {k} " and "R@1" in k and "mean" not in k:
                return v.split("/")[0]
        return None

    zh, en = r_at_1("zh"), r_at_1("en")
    parts = [f"zh {zh}" if zh else "zh —", f"en {en}" if en else "en —"]
    return "R@1: " + ", ".join(parts)


def _size(mb: int) -> str:
    return f"{mb / 1000:.1f} GB" if mb >= 1000 else f"{mb} MB"


def _download(info: ModelInfo) -> str:
    """The table's download column: a ready-made ONNX download's size, or local preparation."""
    if info.random:
        return translate("ModelSetupPage", "made locally")
    if info.download_mb:
        return f"≈ {_size(info.download_mb)} (ONNX)"
    return translate("ModelSetupPage", "prepared locally (torch)")
