"""The UI's language: the locale a setting picks, the app's and Qt's catalogs, the window in Chinese."""

from __future__ import annotations

import pytest

from photoalbum.gui.translation import install_translators, locale_for, remove_translators
from photoalbum.qt import QtCore

pytestmark = pytest.mark.gui

translate = QtCore.QCoreApplication.translate


def test_locale_for_each_setting(monkeypatch):
    assert locale_for("zh_CN").name() == "zh_CN"
    assert locale_for("zh").name() == "zh_CN"  # the setting's older spelling
    assert locale_for("en").name() == "en_US"
    monkeypatch.setattr(QtCore.QLocale, "system", lambda: QtCore.QLocale("de_DE"))
    assert locale_for("system").name() == "de_DE"
    assert locale_for("fr-nonsense").name() == "de_DE"
    monkeypatch.setattr(QtCore.QLocale, "system", lambda: QtCore.QLocale.c())
    assert locale_for("system").name() == "en_US"  # no locale set: US English


def test_chinese_catalogs_translate_the_app_and_qt(qapp):
    translators = install_translators(qapp, locale_for("zh_CN"))
    try:
        names = sorted(t.filePath().rsplit("/", 1)[-1] for t in translators)
        assert names == ["photoalbum_zh_CN.qm", "qtbase_zh_CN.qm"]
        assert translate("SettingsDialog", "Language") == "语言"
        assert translate("QPlatformTheme", "Cancel") == "取消"  # Qt's standard buttons
    finally:
        remove_translators(qapp, translators)
        QtCore.QLocale.setDefault(locale_for("en"))


def test_english_catalog_gives_plural_forms(qapp):
    assert translate("GroupListModel", "%Ln photo(s)", None, 1) == "1 photo"
    assert translate("GroupListModel", "%Ln photo(s)", None, 12345) == "12,345 photos"


def test_a_language_without_a_catalog_falls_back_to_english(qapp):
    translators = install_translators(qapp, QtCore.QLocale("fr_FR"))
    try:
        assert translators[0].filePath().endswith("photoalbum_en.qm")
        assert translate("GroupListModel", "%Ln photo(s)", None, 2).endswith(" photos")
    finally:
        remove_translators(qapp, translators)
        QtCore.QLocale.setDefault(locale_for("en"))
