"""What the app keeps in its QSettings: the UI language, the library's model, precision and
threads, and the window's geometry and splitter."""

from __future__ import annotations

import logging

from photoalbum.qt import QtCore, QtWidgets
from photoalbum.workers.messages import LibraryOptions

logger = logging.getLogger(__name__)


def system_language() -> str:
    """ "zh" when the desktop's locale is Chinese, else "en" (the languages scene names exist in)."""
    return "zh" if QtCore.QLocale.system().language() == QtCore.QLocale.Language.Chinese else "en"


def settings_language(settings: QtCore.QSettings) -> str | None:
    """The engine's language ("en" or "zh") the ``ui/language`` setting picks, if it picks one."""
    value = settings.value("ui/language")
    if value in ("zh_CN", "zh"):  # "zh" is the setting's older spelling
        return "zh"
    return "en" if value == "en" else None


def ui_language(settings: QtCore.QSettings) -> str:
    """The ``ui/language`` setting: "system" (the default), "en" or "zh_CN"."""
    value = settings.value("ui/language")
    if value == "zh":
        return "zh_CN"
    return str(value) if value in ("en", "zh_CN") else "system"


def save_model(settings: QtCore.QSettings, name: str) -> None:
    """Remember the model the library uses (a random-weights model is never a preference)."""
    if not name.startswith("random:"):
        settings.setValue("library/model", name)


def save_options(
    settings: QtCore.QSettings, options: LibraryOptions, *, persist_model: bool
) -> None:
    """Remember model (when ``persist_model``), precision and threads."""
    if persist_model and options.model:
        save_model(settings, options.model)
    settings.setValue("library/precision", options.precision)
    settings.setValue("library/threads", options.threads or 0)


def restore_window(
    settings: QtCore.QSettings, window: QtWidgets.QWidget, splitter: QtWidgets.QSplitter
) -> None:
    """Put the window and its splitter back as they were saved (if they were)."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QtCore.QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    state = settings.value("window/splitter")
    if isinstance(state, QtCore.QByteArray) and not state.isEmpty():
        splitter.restoreState(state)


def save_window(
    settings: QtCore.QSettings, window: QtWidgets.QWidget, splitter: QtWidgets.QSplitter
) -> None:
    """Persist the window's geometry and its splitter's state."""
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", splitter.saveState())
    settings.sync()
