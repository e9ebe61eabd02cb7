"""Preferences in QSettings: the UI language, the library options, the window's geometry."""

from __future__ import annotations

import pytest

from photoalbum.gui.preferences import (
    restore_window,
    save_model,
    save_options,
    save_window,
    settings_language,
    ui_language,
)
from photoalbum.qt import QtCore, QtWidgets
from photoalbum.workers.messages import LibraryOptions

pytestmark = pytest.mark.gui


@pytest.fixture
def settings(tmp_path):
    return QtCore.QSettings(str(tmp_path / "gui.ini"), QtCore.QSettings.Format.IniFormat)


def test_language_is_en_or_zh_only(settings):
    assert settings_language(settings) is None
    settings.setValue("ui/language", "fr")
    assert settings_language(settings) is None
    settings.setValue("ui/language", "zh")
    assert settings_language(settings) == "zh"
    settings.setValue("ui/language", "zh_CN")
    assert settings_language(settings) == "zh"
    settings.setValue("ui/language", "system")
    assert settings_language(settings) is None


def test_ui_language_is_system_en_or_zh_cn(settings):
    assert ui_language(settings) == "system"
    for value, expected in [("fr", "system"), ("en", "en"), ("zh_CN", "zh_CN"), ("zh", "zh_CN")]:
        settings.setValue("ui/language", value)
        assert ui_language(settings) == expected


def test_a_random_weights_model_is_never_remembered(settings):
    save_model(settings, "random:ViT-B-32")
    assert settings.value("library/model") is None
    save_options(
        settings,
        LibraryOptions(model="ViT-B-32", precision="int8", threads=None),
        persist_model=True,
    )
    assert settings.value("library/model") == "ViT-B-32"
    assert settings.value("library/precision") == "int8"
    assert int(settings.value("library/threads")) == 0
    save_options(
        settings, LibraryOptions(model="other", precision="fp32", threads=4), persist_model=False
    )  # pinned by the command line: not a preference
    assert settings.value("library/model") == "ViT-B-32"
    assert settings.value("library/precision") == "fp32"
    assert int(settings.value("library/threads")) == 4


def test_window_geometry_and_splitter_round_trip(qtbot, settings):
    def window() -> tuple[QtWidgets.QWidget, QtWidgets.QSplitter]:
        w = QtWidgets.QWidget()
        splitter = QtWidgets.QSplitter(w)
        splitter.addWidget(QtWidgets.QLabel("a"))
        splitter.addWidget(QtWidgets.QLabel("b"))
        qtbot.addWidget(w)
        return w, splitter

    first, splitter = window()
    restore_window(settings, first, splitter)  # nothing saved yet: left alone
    first.resize(500, 300)
    first.show()
    splitter.resize(500, 300)
    splitter.setSizes([120, 380])
    sizes = splitter.sizes()
    save_window(settings, first, splitter)
    second, splitter2 = window()
    restore_window(settings, second, splitter2)
    second.show()
    splitter2.resize(500, 300)
    assert second.size() == first.size()
    assert splitter2.sizes() == sizes
