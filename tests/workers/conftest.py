"""Worker tests' fixtures: the UI language the workers' messages are translated into."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from photoalbum.gui.translation import install_translators, locale_for, remove_translators
from photoalbum.qt import QtCore


@pytest.fixture
def ui_language(qapp) -> Iterator[Callable[[str], None]]:
    """Installs the app's catalog for a language ("en", "zh_CN"), as the app does at start-up;
    the catalogs and the default locale are put back after the test."""
    installed: list[QtCore.QTranslator] = []
    before = QtCore.QLocale()

    def use(language: str) -> None:
        installed.extend(install_translators(qapp, locale_for(language)))

    yield use
    remove_translators(qapp, installed)
    QtCore.QLocale.setDefault(before)
