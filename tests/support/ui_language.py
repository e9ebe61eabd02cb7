"""Runs part of a GUI test with the UI in Chinese: the app's zh_CN catalog and Qt's installed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from photoalbum.gui.translation import install_translators, locale_for, remove_translators
from photoalbum.qt import QtCore


@contextlib.contextmanager
def chinese_ui() -> Iterator[None]:
    """Within the block, texts set are translated to Simplified Chinese (then English again)."""
    app = QtCore.QCoreApplication.instance()
    assert app is not None, "needs the Qt application (the qapp fixture)"
    translators = install_translators(app, locale_for("zh_CN"))
    try:
        yield
    finally:
        remove_translators(app, translators)
        QtCore.QLocale.setDefault(locale_for("en"))
