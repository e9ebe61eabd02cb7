"""AboutDialog (Help → About): versions, where things live, and the model's measured INT8 agreement."""

from __future__ import annotations

import html
import importlib.metadata
import logging
import platform
import sys

from photoalbum import __version__
from photoalbum.qt import Qt, QtCore, QtWidgets
from photoalbum.workers.messages import LibraryState

logger = logging.getLogger(__name__)


def _dist_version(name: str) -> str:
    # Package metadata, not an import: ONNX Runtime stays out of the GUI thread.
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def about_rows(
    state: LibraryState | None, models_dir: str = "", log_file: str = ""
) -> list[tuple[str, str]]:
    """(label, value) rows the dialog shows (a function so tests can read them)."""
    translate = QtCore.QCoreApplication.translate
    missing = translate("AboutDialog", "not installed")
    pyside = _dist_version("PySide6-Essentials") or _dist_version("PySide6") or missing
    rows = [
        ("photoalbum", __version__),
        ("Python", f"{platform.python_version()} ({sys.platform})"),
        ("Qt", f"{QtCore.qVersion()} (PySide6 {pyside})"),
        ("ONNX Runtime", _dist_version("onnxruntime") or missing),
        (translate("AboutDialog", "Library"), state.library if state else "—"),
        (
            translate("AboutDialog", "Models"),
            models_dir or (state.models_dir if state else "") or "—",
        ),
        (
            translate("AboutDialog", "Log file"),
            log_file or translate("AboutDialog", "— (not written)"),
        ),
    ]
    if state is not None:
        model = state.model
        if state.random_weights:
            model += translate("AboutDialog", "  [RANDOM WEIGHTS — demo only]")
        rows.append((translate("AboutDialog", "Model"), model))
        rows.append((translate("AboutDialog", "INT8 agreement"), state.int8_check or "—"))
        if state.model_source:
            rows.append((translate("AboutDialog", "Model source"), state.model_source))
    return rows


class AboutDialog(QtWidgets.QDialog):
    """A read-only table of versions and paths (selectable, so it can be pasted in a report)."""

    def __init__(
        self,
        state: LibraryState | None,
        models_dir: str = "",
        log_file: str = "",
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About photoalbum"))
        self.rows = about_rows(state, models_dir, log_file)
        layout = QtWidgets.QVBoxLayout(self)
        title = QtWidgets.QLabel(
            "<h2>photoalbum</h2><p>"
            + self.tr(
                "A private, offline photo album that finds photos by meaning. "
                "Nothing leaves this computer."
            )
            + "</p>"
        )
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        layout.addWidget(title)
        body = "".join(
            f"<tr><td style='padding-right:12px'><b>{html.escape(k)}</b></td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in self.rows
        )
        self.table = QtWidgets.QLabel(f"<table>{body}</table>")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setWordWrap(True)
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.table)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 360)
