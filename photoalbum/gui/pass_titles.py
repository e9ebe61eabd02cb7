"""The background passes' titles in the UI language (the engine names them in English)."""

from __future__ import annotations

import logging

from photoalbum.gui.translation import QT_TRANSLATE_NOOP
from photoalbum.qt import QtCore

logger = logging.getLogger(__name__)

#: The engine's pass titles, marked for the translators (in the "Passes" context).
PASS_TITLES = (
    QT_TRANSLATE_NOOP("Passes", "Read text in photos"),
    QT_TRANSLATE_NOOP("Passes", "Find faces"),
    QT_TRANSLATE_NOOP("Passes", "Places from GPS"),
)


def pass_title(title: str) -> str:
    """A pass's title (the engine's) in the UI language; a title not listed stays as it is."""
    return QtCore.QCoreApplication.translate("Passes", title)
