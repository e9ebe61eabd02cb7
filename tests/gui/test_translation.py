"""The UI's language: the locale a setting picks, the app's and Qt's catalogs, the window in Chinese."""

from __future__ import annotations

import re

import pytest

from photoalbum.gui.dialogs.settings_dialog import SettingsDialog
from photoalbum.gui.preferences import ui_language
from photoalbum.gui.translation import arg, install_translators, locale_for, remove_translators
from photoalbum.qt import QtCore, QtWidgets
from tests.gui.test_main_window import Harness
from tests.support.ui_language import chinese_ui

pytestmark = pytest.mark.gui

translate = QtCore.QCoreApplication.translate


def test_arg_fills_placeholders_in_any_order_once(qapp):
    assert arg("%2年%1", "3月", "2024") == "2024年3月"
    assert arg("%1 of %2", 1234, 5) == "1,234 of 5"  # integers in the UI locale
    assert arg("%1 and %2", "%2", "x") == "%2 and x"  # a value is not filled in again


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


def test_any_chinese_desktop_gets_the_simplified_chinese_catalog(qapp):
    translators = install_translators(qapp, QtCore.QLocale("zh_TW"))
    try:
        assert translators[0].filePath().endswith("photoalbum_zh_CN.qm")
        assert translate("Pages", "Albums") == "相册"
    finally:
        remove_translators(qapp, translators)
        QtCore.QLocale.setDefault(locale_for("en"))


def test_a_language_without_a_catalog_falls_back_to_english(qapp):
    translators = install_translators(qapp, QtCore.QLocale("fr_FR"))
    try:
        assert translators[0].filePath().endswith("photoalbum_en.qm")
        assert translate("GroupListModel", "%Ln photo(s)", None, 2).endswith(" photos")
    finally:
        remove_translators(qapp, translators)
        QtCore.QLocale.setDefault(locale_for("en"))


def _chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def _menu_texts(menu: QtWidgets.QMenu) -> list[str]:
    texts = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        texts.append(action.text())
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
    return texts


def test_main_window_in_chinese(qtbot, tiny_paths, tmp_path):
    with chinese_ui():
        h = Harness(qtbot, tiny_paths, tmp_path)
    try:
        w = h.window
        bar = w.menuBar()
        assert [a.text() for a in bar.actions()] == [
            "文件(&F)",
            "编辑(&E)",
            "查看(&V)",
            "转到(&G)",
            "帮助(&H)",
        ]
        items = [t for a in bar.actions() for t in _menu_texts(a.menu())]
        assert len(items) >= 16
        assert [t for t in items if not _chinese(t)] == []  # no menu item left in English
        assert [w.nav.item(i).text() for i in range(w.nav.count())] == [
            "照片",
            "相册",
            "收藏",
            "探索",
            "相似照片",
            "文件夹",
            "已隐藏",
        ]
        assert w.side_panel.all_button.text() == "所有照片"
        assert w.index_status.index_button.text() == "立即编入索引"
        assert w.search_bar.edit.placeholderText().startswith("描述一张照片")
    finally:
        h.close()


def test_the_language_chosen_in_settings_is_saved_for_the_next_start(
    qtbot, tiny_paths, tmp_path, monkeypatch
):
    def choose_chinese(dialog: SettingsDialog) -> int:
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
        return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", choose_chinese)
    h = Harness(qtbot, tiny_paths, tmp_path)
    try:
        assert ui_language(h.window.settings) == "system"
        h.window.open_settings()
        assert h.window.settings.value("ui/language") == "zh_CN"
        assert h.window.nav.item(0).text() == "Photos"  # applies on the next start
    finally:
        h.close()
