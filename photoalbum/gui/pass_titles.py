"""The background passes' titles in the UI language (the engine names them in English)."""

from __future__ import annotations

import logging

from photoalbum.gui.translation import QT_TRANSLATE_NOOP
from photoalbum.qt import QtCore

logger = logging.getLogger(__name__)

#: Pass name → its title (the engine's, marked here for the translators, in the "Passes" context).
PASS_TITLES = {
    "text": QT_TRANSLATE_NOOP("Passes", "Read text in photos"),
    "faces": QT_TRANSLATE_NOOP("Passes", "Find faces"),
    "places": QT_TRANSLATE_NOOP("Passes", "Places from GPS"),
}


def pass_title(name: str, title: str) -> str:
    """Pass ``name``'s title in the UI language; ``title`` (the engine's) for a pass not listed."""
    source = PASS_TITLES.get(name)
    return QtCore.QCoreApplication.translate("Passes", source) if source else title
